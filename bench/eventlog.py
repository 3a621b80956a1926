"""The event log the projection and replay benchmarks read: a private nats-server with the
COURSES stream holding N events of realistic courses (bench/events.py), built once per run and
shared, so replay rebuilds from the very log the projection benchmark projected."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import nats

from shared.bus.provisioning import StreamSpec, provision
from shared.local.nats_server import NatsServer

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
    log = ctx.shared.get("log")
    if log is not None and log.events >= events:
        return log
    server = ctx.nats("log")
    nc = await nats.connect(server.url, name="bench-log")
    js = nc.jetstream()
    await provision(js, StreamSpec())
    template = course_template()
    courses = math.ceil(events / len(template))
    started = time.perf_counter()
    published = await publish_courses(js, template, 0, courses)
    seconds = time.perf_counter() - started
    last = (await js.stream_info("COURSES")).state.last_seq
    assert last == published, (last, published)
    log = EventLog(server, nc, js, published, courses, mix(template), seconds, await ctx.database("log"))
    ctx.shared["log"] = log
    return log


async def close(ctx: Context) -> None:
    log = ctx.shared.pop("log", None)
    if log is not None:
        await log.nc.close()
        ctx.stop_nats(log.server)
