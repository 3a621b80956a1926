"""replay — events per second of a full read-model rebuild from the log
(services/gateway/projection/replay.py: every event from sequence 1 folded in memory by worker
processes partitioned by course, loaded into a fresh schema with COPY, keys and foreign keys made
after the load, then the swap; bulk_replay.py), over the log the projection benchmark built
(realistic courses, see bench/events.py).

Baseline: a raw ordered-consumer read of the same stream (nats-py `ordered_consumer=True`, a
callback that only counts). That is the limit: a rebuild has to read the whole log in order, and
the ordered consumer is the fastest in-order read this client offers.

Size: 1,000,000 events — the projection benchmark's log, extended with more courses of the same
kind (20,000 with --quick; BENCH_REPLAY_EVENTS=<n> for another size, to draw the curve an operator
predicts a rebuild from)."""
from __future__ import annotations

import asyncio
import os
import time
from dataclasses import asdict

import asyncpg

from services.gateway.projection.bulk_replay import worker_count
from services.gateway.projection.projector import ensure_schema
from services.gateway.projection.replay import replay

from .common import Context, Row, plot_progress, ratio
from .eventlog import event_log
from .profiling import InProcess

NAME = "replay"
TARGET = 0.25
ASKED = 1_000_000


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
    ordered_seconds = await ordered_read(log.js, log.events, ordered_samples)
    report, replay_seconds = await rebuild(log.js, log.database_url, replay_samples, ctx.profile)
    value, base = report.stream_seq / replay_seconds, log.events / ordered_seconds
    r = ratio(value, base)
    plot(ordered_samples, replay_samples, log.events)
    return Row(NAME, round(value), "events/s", round(base), r, f"≥ {TARGET}×", r >= TARGET,
               details={"events": report.stream_seq, "replay_seconds": round(replay_seconds, 2),
                        "fold_workers": worker_count(), "load_average_before": load_before,
                        "bulk": asdict(report.bulk) if report.bulk else None,
                        "ordered_read_seconds": round(ordered_seconds, 2),
                        "log_publish_seconds": round(log.publish_seconds, 1)})


def plot(ordered: list, rebuilt: list, events: int) -> None:
    plot_progress(NAME, f"replay: rebuilding the read model from {events:,} events",
                  {"ordered-consumer read (baseline)": ordered, "replay into a fresh schema": rebuilt})
