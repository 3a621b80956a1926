"""The event log the projection and replay benchmarks read: a private nats-server with the
COURSES stream holding N events of realistic courses (bench/events.py), built once per run and
shared, so replay rebuilds from the very log the projection benchmark projected."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import nats

from shared.bus.provisioning import StreamSpec, provision
from ops.local.nats_server import NatsServer

from .common import Context
from .events import course_template, mix, publish_courses


@dataclass
class EventLog:
    server: NatsServer
    nc: object
    js: object
    events: int
    courses: int
    mix: dict[str, int]
    publish_seconds: float
    database_url: str


async def event_log(ctx: Context, events: int) -> EventLog:
    """The shared log with at least `events` events: built on first use, extended with more courses
    when a later benchmark asks for more (replay reads a million; the projection applies 200,000)."""
    log = ctx.shared.get("log")
    if log is not None and log.events >= events:
        return log
    template = course_template()
    if log is None:
        server = ctx.nats("log")
        nc = await nats.connect(server.url, name="bench-log")
        js = nc.jetstream()
        await provision(js, StreamSpec())
        log = EventLog(server, nc, js, 0, 0, mix(template), 0.0, await ctx.database("log"))
    more = math.ceil((events - log.events) / len(template))
    started = time.perf_counter()
    published = await publish_courses(log.js, template, log.courses, more)
    log.publish_seconds += time.perf_counter() - started
    log.events, log.courses = log.events + published, log.courses + more
    last = (await log.js.stream_info("COURSES")).state.last_seq
    assert last == log.events, (last, log.events)
    ctx.shared["log"] = log
    return log


async def close(ctx: Context) -> None:
    log = ctx.shared.pop("log", None)
    if log is not None:
        await log.nc.close()
        ctx.stop_nats(log.server)
