"""replay — events per second of a full read-model rebuild from the log
(services/gateway/projection/replay.py: every event from sequence 1 folded in memory by worker
processes partitioned by course, loaded into a fresh schema with COPY, keys and foreign keys made
after the load, then the swap; bulk_replay.py), over the log the projection benchmark built
(realistic courses, see bench/events.py).

Baseline: a raw ordered-consumer read of the same stream (nats-py `ordered_consumer=True`, a
callback that only counts). That is the limit: a rebuild has to read the whole log in order, and
the ordered consumer is the fastest in-order read this client offers.

The row also says where the CPU went (this process reading the log, the folding workers,
PostgreSQL's processes, nats-server) and so how near the rebuild is to its own limit on this
machine: whatever the order of the work, it takes at least its CPU seconds over the cores.

Size: 1,000,000 events — the projection benchmark's log, extended with more courses of the same
kind (20,000 with --quick; BENCH_REPLAY_EVENTS=<n> for another size, to draw the curve an operator
predicts a rebuild from)."""
from __future__ import annotations

import asyncio
import os
import resource
import threading
import time
from dataclasses import asdict

import asyncpg
import psutil

from services.gateway.projection.bulk_replay import worker_count
from services.gateway.projection.projector import ensure_schema
from services.gateway.projection.replay import replay

from .common import Context, Row, cpu_count, plot_progress, ratio
from .eventlog import event_log
from .profiling import InProcess

NAME = "replay"
TARGET = 0.5
ASKED = 1_000_000


class CpuClock:
    """CPU seconds spent meanwhile by this process, by its children that ended (the folding
    workers), and by each server's processes and their children (PostgreSQL's backends), these
    sampled every `every` seconds: a process that ends between samples loses its last moments."""

    def __init__(self, servers: dict[str, int | None], every: float = 0.2) -> None:
        self.servers = {name: pid for name, pid in servers.items() if pid is not None}
        self.every, self._stop = every, threading.Event()
        self._base: dict[int, float] = {}
        self._last: dict[str, dict[int, float]] = {name: {} for name in self.servers}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> dict[str, dict[int, float]]:
        found: dict[str, dict[int, float]] = {}
        for name, pid in self.servers.items():
            try:
                root = psutil.Process(pid)
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                found.setdefault(name, {})[process.pid] = times.user + times.system
        return found

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            for name, seen in self._sample().items():
                self._last[name].update(seen)

    def __enter__(self) -> "CpuClock":
        self._base = {pid: cpu for seen in self._sample().values() for pid, cpu in seen.items()}
        self._self = resource.getrusage(resource.RUSAGE_SELF)
        self._children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        for name, seen in self._sample().items():
            self._last[name].update(seen)
        after, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        self.seconds = {"this process": after.ru_utime + after.ru_stime - self._self.ru_utime - self._self.ru_stime,
                        "folding workers": children.ru_utime + children.ru_stime
                        - self._children.ru_utime - self._children.ru_stime}
        for name, seen in self._last.items():
            self.seconds[name] = sum(cpu - self._base.get(pid, 0.0) for pid, cpu in seen.items())
        self.seconds = {name: round(cpu, 1) for name, cpu in self.seconds.items()}


async def ordered_read(js, events: int, samples: list) -> float:
    done = asyncio.Event()
    seen = [0]
    started = time.perf_counter()

    async def count(msg) -> None:
        seen[0] += 1
        if seen[0] % 5000 == 0:
            samples.append((time.perf_counter() - started, seen[0]))
        if seen[0] >= events:
            done.set()

    sub = await js.subscribe("course.>", stream="COURSES", ordered_consumer=True, cb=count)
    try:
        await asyncio.wait_for(done.wait(), 600)
        seconds = time.perf_counter() - started
        samples.append((seconds, seen[0]))
        return seconds
    finally:
        await sub.unsubscribe()


async def rebuild(js, database_url: str, samples: list, profile: bool):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4, command_timeout=120)
    try:
        await ensure_schema(pool, "coursegen")  # the live read model (whatever it holds)
        watcher = asyncio.create_task(_watch(pool, samples))
        with InProcess(NAME, profile):
            started = time.perf_counter()
            report = await replay(js, pool, "coursegen", "COURSES", database_url)
            seconds = time.perf_counter() - started
        watcher.cancel()
        samples.append((seconds, report.stream_seq))
        return report, seconds
    finally:
        await pool.close()


async def _watch(pool, samples: list) -> None:
    """The fresh schema's checkpoint every half second, for the plot."""
    started = time.perf_counter()
    while True:
        await asyncio.sleep(0.5)
        try:
            async with pool.acquire() as conn:
                name = await conn.fetchval("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'coursegen_rebuild_%'")
                if name:
                    seq = await conn.fetchval(f"SELECT stream_seq FROM {name}.projection_checkpoint")
                    samples.append((time.perf_counter() - started, seq))
        except (asyncpg.PostgresError, asyncpg.InterfaceError):
            pass


async def run(ctx: Context) -> Row:
    log = await event_log(ctx, int(os.environ.get("BENCH_REPLAY_EVENTS") or ctx.size(ASKED, 20_000)))
    load_before = os.getloadavg()  # the machine is shared: what else ran is part of the figure
    ordered_samples, replay_samples = [], []
    nats = log.server.process
    servers = {"nats-server": nats.pid if nats is not None else None, "postgres": ctx.postgres_pid()}
    with CpuClock(servers) as ordered_cpu:
        ordered_seconds = await ordered_read(log.js, log.events, ordered_samples)
    with CpuClock(servers) as replay_cpu:
        report, replay_seconds = await rebuild(log.js, log.database_url, replay_samples, ctx.profile)
    value, base = report.stream_seq / replay_seconds, log.events / ordered_seconds
    r = ratio(value, base)
    plot(ordered_samples, replay_samples, log.events)
    return Row(NAME, round(value), "events/s", round(base), r, f"≥ {TARGET}×", r >= TARGET,
               note=cpu_note(replay_cpu.seconds, ordered_cpu.seconds, ordered_seconds, report.stream_seq),
               details={"events": report.stream_seq, "replay_seconds": round(replay_seconds, 2),
                        "fold_workers": worker_count(), "load_average_before": load_before,
                        "bulk": asdict(report.bulk) if report.bulk else None,
                        "replay_cpu_seconds": replay_cpu.seconds, "ordered_read_cpu_seconds": ordered_cpu.seconds,
                        "ordered_read_seconds": round(ordered_seconds, 2),
                        "log_publish_seconds": round(log.publish_seconds, 1)})


def cpu_note(rebuild: dict[str, float], ordered: dict[str, float], ordered_seconds: float, events: int) -> str:
    """Where the rebuild's CPU went, and the best ratio that CPU allows on this machine's cores
    (however well its parts overlap, it takes at least its CPU seconds over the cores)."""
    total, cores = sum(rebuild.values()), cpu_count()
    parts = ", ".join(f"{name} {cpu:.1f}" for name, cpu in rebuild.items())
    return (f"the rebuild took {total:.1f} CPU-s ({parts}; {total / events * 1e6:.0f} µs an event), the ordered "
            f"read {sum(ordered.values()):.1f}: on {cores} cores the rebuild needs at least {total / cores:.1f} s, "
            f"at best {ordered_seconds * cores / total:.2f}× of the ordered read")


def plot(ordered: list, rebuilt: list, events: int) -> None:
    plot_progress(NAME, f"replay: rebuilding the read model from {events:,} events",
                  {"ordered-consumer read (baseline)": ordered, "replay into a fresh schema": rebuilt})
