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
                    self.samples[name].append((now, process.memory_info().rss / 2**20))
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


async def run(ctx: Context) -> Row:
    documents = ctx.size(2000, 150)
    stage4_cap = ctx.size(STAGE4_SECONDS, 20)
    repo = ctx.folder("repo-memory") / "skyline"
    await asyncio.to_thread(make_doc_repo, repo, documents)
    stage4_finished = True
    async with System(ctx, NAME) as system:
        with Sampler(system.pids()) as sampler:
            course = await system.create_course("Memory benchmark")
            sampler.mark("stage 1")
            await system.stage1(course, str(repo), every=0.5)
            sampler.mark("stage 2")
            await system.stage2(course, every=0.5)
            sampler.mark("stage 3")
            await system.stage3(course, every=0.5)
            sampler.mark("stage 4")
            try:
                await system.stage4(course, every=0.5, timeout=stage4_cap)
            except TimeoutError:
                stage4_finished = False
                await system.post(f"/api/courses/{course}/stage4/cancel")
            sampler.mark("end")
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
