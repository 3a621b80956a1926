"""memory — peak RSS of each service (the gateway and the four stage services) while a course
goes through the pipeline on a generated 2,000-document repository, offline engine.

No baseline: the target is absolute (≤ 200 MB per service). RSS is sampled with psutil every
0.25 s for each service's own process; git processes repo_clone starts are reported apart
(`children_peak_mb`), since they are not Python memory the service could keep.

Stage 4 on 2,000 documents takes longer than this run can afford: it writes every module and then
lays out every export format, the PDF of a course of thousands of pages among them (the export row
times the formats on real courses; the scale row, stage 4 with the zip alone, grows near linearly).
So stage 4 is sampled for at most `STAGE4_SECONDS` and then cancelled; the note says whether it
finished. Stages 1 to 3 always run to the end."""
from __future__ import annotations

import asyncio
import threading
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from .common import Context, Row, figure, save
from .repos import make_doc_repo
from .system import System

NAME = "memory"
LIMIT_MB = 200
STAGE4_SECONDS = 45


class Sampler:
    def __init__(self, pids: dict[str, int], every: float = 0.25) -> None:
        self.pids, self.every = pids, every
        self.samples: dict[str, list[tuple[float, float]]] = {name: [] for name in pids}
        self.children_peak: dict[str, float] = {name: 0.0 for name in pids}
        # Of each service's largest RSS, the resident pages shared with files (libraries, mapped
        # tables: clean, reclaimable, one copy for every process mapping them), read in the same sample.
        self.shared_at_peak: dict[str, float] = {name: 0.0 for name in pids}
        self._peak: dict[str, float] = {name: 0.0 for name in pids}
        self.marks: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def mark(self, label: str) -> None:
        self.marks.append((time.monotonic() - self._started, label))

    def _run(self) -> None:
        processes = {name: psutil.Process(pid) for name, pid in self.pids.items()}
        while not self._stop.is_set():
            now = time.monotonic() - self._started
            for name, process in processes.items():
                try:
                    memory = process.memory_info()
                    rss_mb = memory.rss / 2**20
                    self.samples[name].append((now, rss_mb))
                    if rss_mb > self._peak[name]:
                        self._peak[name] = rss_mb
                        self.shared_at_peak[name] = round(getattr(memory, "shared", 0) / 2**20, 1)
                    children = sum(c.memory_info().rss for c in process.children(recursive=True)) / 2**20
                    self.children_peak[name] = max(self.children_peak[name], children)
                except psutil.Error:
                    pass
            self._stop.wait(self.every)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peaks(self) -> dict[str, float]:
        return {name: round(max((mb for _, mb in series), default=0.0), 1) for name, series in self.samples.items()}


@dataclass
class HandlerRun:
    """What `sampled` saw of one handler run in this process."""
    seconds: float
    peak_mb: float  # the largest RSS sampled
    traced_at_peak: int = 0  # the largest traced size seen while tracemalloc traced, in bytes
    snapshot: tracemalloc.Snapshot | None = None  # taken then


def sampled(handle: Callable[[], Coroutine[Any, Any, Any]], slow: bool = False) -> HandlerRun:
    """`asyncio.run(handle())` in this process while a thread samples its RSS every 20 ms (every
    200 ms when `slow`: under tracemalloc) and, whenever tracemalloc traces (started by the caller,
    before or during the run), keeps a snapshot at the largest traced size it has seen."""
    process = psutil.Process()
    run = HandlerRun(0.0, process.memory_info().rss / 2**20)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            run.peak_mb = max(run.peak_mb, process.memory_info().rss / 2**20)
            if tracemalloc.is_tracing() and (traced := tracemalloc.get_traced_memory()[0]) > run.traced_at_peak * 1.05:
                run.traced_at_peak, run.snapshot = traced, tracemalloc.take_snapshot()
            done.wait(0.2 if slow else 0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        asyncio.run(handle())
    finally:
        run.seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return run


async def run(ctx: Context) -> Row:
    documents = ctx.size(2000, 150)
    stage4_cap = ctx.size(STAGE4_SECONDS, 20)
    repo = ctx.folder("repo-memory") / "skyline"
    await asyncio.to_thread(make_doc_repo, repo, documents)
    async with System(ctx, NAME) as system:
        with Sampler(system.pids()) as sampler:
            course, stage4_finished = await through_the_stages(system, sampler, "Memory benchmark", repo, 0.5,
                                                               stage4_cap)
        seconds = await system.stage_seconds(course)
    peaks = sampler.peaks()
    worst = max(peaks.values())
    plot(sampler, documents, NAME, LIMIT_MB)
    note = None if stage4_finished else (
        f"stage 4 did not finish within the {stage4_cap} s this run allows it on {documents} documents; "
        f"it was sampled for that long and then cancelled")
    return Row(NAME, worst, "MB (largest peak RSS)", None, None, f"≤ {LIMIT_MB} MB each",
               all(mb <= LIMIT_MB for mb in peaks.values()), note,
               details={"documents": documents, "peak_rss_mb": peaks,
                        "children_peak_mb": {k: round(v, 1) for k, v in sampler.children_peak.items() if v},
                        "stage_seconds": {k: round(v, 1) for k, v in seconds.items()},
                        "stage4_finished": stage4_finished})


async def through_the_stages(system: System, sampler: Sampler, title: str, repo: Path, every: float,
                             stage4_seconds: float, timeout: float | None = None) -> tuple[str, bool]:
    """A new course of `repo` through stages 1 to 3, and stage 4 for at most `stage4_seconds` (then
    cancelled), each stage marked on the sampler: (the course, whether stage 4 finished)."""
    waits = {"every": every} if timeout is None else {"every": every, "timeout": timeout}
    course = await system.create_course(title)
    sampler.mark("stage 1")
    await system.stage1(course, str(repo), **waits)
    sampler.mark("stage 2")
    await system.stage2(course, **waits)
    sampler.mark("stage 3")
    await system.stage3(course, **waits)
    sampler.mark("stage 4")
    finished = True
    try:
        await system.stage4(course, every=every, timeout=stage4_seconds)
    except TimeoutError:
        finished = False
        await system.post(f"/api/courses/{course}/stage4/cancel")
        await system.wait_stage(course, "stage4", every=0.5, expect="CANCELLED")
    sampler.mark("end")
    return course, finished


def plot(sampler: Sampler, documents: int, name: str, limit_mb: float) -> None:
    fig, ax = figure(f"{name}: RSS of each service, {documents:,}-document course")
    for service, series in sampler.samples.items():
        ax.plot([t for t, _ in series], [mb for _, mb in series], label=service, linewidth=1.2)
    ax.axhline(limit_mb, color="red", linestyle="--", linewidth=1, label=f"target {limit_mb} MB")
    top = ax.get_ylim()[1]
    for n, (at, label) in enumerate(sampler.marks):
        ax.axvline(at, color="grey", linewidth=0.6)
        ax.text(at, top * (0.98 - 0.05 * (n % 2)), f" {label}", fontsize=8, va="top", color="grey")
    ax.set_xlabel("seconds")
    ax.set_ylabel("RSS (MB)")
    ax.legend(fontsize=8, loc="center right")
    save(fig, name)
