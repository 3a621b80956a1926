"""projection — events per second the projector applies (services/gateway/projection/projector.py,
run as the gateway runs it: one ordered reader, transactions of up to BATCH_SIZE events with
the rows and the checkpoint, an asyncpg pool like the gateway's), from an empty read model over a log of
200,000 events of realistic courses (bench/events.py: each course goes through the four stages
with 60 documents and 6 modules — 158 events, of which 75 StageProgressed and 60 DocAnalysed).

Baseline: raw nats-py pull + ack of the same messages, no processing — a durable pull consumer
with explicit acks, fetching batches of the projector's size and acknowledging each message.
That is the limit: the projector has to receive every event from the same server with the same client
library, and doing nothing with them is as fast as receiving them gets in this client."""
from __future__ import annotations

import asyncio
import time

import asyncpg
from nats.js.api import AckPolicy, ConsumerConfig

from services.gateway.asyncpg_arrays import ask_concrete_types_first
from services.gateway.projection.projector import BATCH_SIZE, Projector, ensure_schema

from .common import Context, Row, plot_progress, ratio
from .eventlog import event_log
from .profiling import InProcess

NAME = "projection"
TARGET = 0.5
BATCH = BATCH_SIZE


async def pull_and_ack(js, events: int, samples: list) -> float:
    config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, max_ack_pending=10_000)
    sub = await js.pull_subscribe("course.>", durable="bench-pull-ack", stream="COURSES", config=config)
    seen = 0
    started = time.perf_counter()
    try:
        while seen < events:
            for msg in await sub.fetch(BATCH, timeout=5):
                await msg.ack()
                seen += 1
            samples.append((time.perf_counter() - started, seen))
        return time.perf_counter() - started
    finally:
        await sub.unsubscribe()
        await js.delete_consumer("COURSES", "bench-pull-ack")


async def project(js, database_url: str, events: int, samples: list, profile: bool) -> float:
    ask_concrete_types_first()  # as the gateway's start does (services/gateway/bootstrap.py)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=10, command_timeout=60)
    try:
        await ensure_schema(pool, "coursegen")
        projector = Projector(js, pool, "coursegen")
        stop = asyncio.Event()
        with InProcess(NAME, profile):
            started = time.perf_counter()
            task = asyncio.create_task(projector.run(stop))
            while projector.position < events:
                await asyncio.sleep(0.25)
                samples.append((time.perf_counter() - started, projector.position))
                if task.done():
                    task.result()
                    raise RuntimeError("the projector stopped")
            seconds = time.perf_counter() - started
        stop.set()
        await asyncio.wait_for(task, 30)
        return seconds
    finally:
        await pool.close()


async def run(ctx: Context) -> Row:
    log = await event_log(ctx, ctx.size(200_000, 20_000))
    raw_samples, projector_samples = [], []
    raw_seconds = await pull_and_ack(log.js, log.events, raw_samples)
    projector_seconds = await project(log.js, log.database_url, log.events, projector_samples, ctx.profile)
    value, base = log.events / projector_seconds, log.events / raw_seconds
    r = ratio(value, base)
    plot(raw_samples, projector_samples, log.events)
    return Row(NAME, round(value), "events/s", round(base), r, f"≥ {TARGET}×", r >= TARGET,
               details={"events": log.events, "courses": log.courses, "events_per_course": log.mix,
                        "projector_seconds": round(projector_seconds, 2), "pull_ack_seconds": round(raw_seconds, 2),
                        "log_publish_seconds": round(log.publish_seconds, 2), "batch": BATCH})


def plot(raw: list, projected: list, events: int) -> None:
    plot_progress(NAME, f"projection: {events:,} events of realistic courses",
                  {"raw pull + ack (baseline)": raw, "projector → PostgreSQL": projected})
