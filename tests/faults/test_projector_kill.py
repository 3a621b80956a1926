"""Kill -9 the gateway (its projector) while it projects, at seeded points, and restart it: the
read tables equal a projection of the same log made without interruption — no duplicate rows and
no gap, because rows and checkpoint are written in one transaction."""
from __future__ import annotations

import asyncio
import random

import asyncpg
import pytest

from services.gateway.projection.projector import Projector, ensure_schema, read_checkpoint
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import provision
from shared.events.catalogue import CourseCreated, CourseUpdated
from ops.local.ports import free_port
from tests.support.gateway import JWT_SECRET
from tests.support.read_tables import read_tables
from tests.support.processes import Process
from tests.support.waiting import eventually

COURSES, UPDATES = 300, 4


def gateway(settings) -> Process:
    return Process(["-m", "services.gateway.main"], {
        "NATS_URL": settings.nats_url, "DATABASE_URL": settings.database_url, "JWT_SECRET": JWT_SECRET,
        "PORT": str(free_port()), "ENVIRONMENT": "test"})


async def publish_history(js) -> int:
    store, last = EventStore(js), 0
    for n in range(COURSES):
        created = CourseCreated(course_id=f"c{n}", actor="u", payload={"owner_id": f"u{n % 7}", "title": f"t{n}"})
        last = (await store.publish(created)).stream_seq
        for revision in range(2, 2 + UPDATES):
            update = CourseUpdated(course_id=f"c{n}", actor="u", payload={"title": f"t{n}.{revision}",
                                                                          "revision": revision})
            last = (await store.publish(update)).stream_seq
    return last


async def checkpoint(pool, schema: str) -> int:
    try:
        async with pool.acquire() as conn:
            return await read_checkpoint(conn, schema)
    except asyncpg.exceptions.UndefinedTableError:
        return 0


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_killed_projector_resumes_without_duplicates_or_gaps(settings, seed):
    nc = await connect(settings.nats_url, "test")
    js = nc.jetstream()
    await provision(js, settings.stream_spec())
    last = await publish_history(js)
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    schema, kills = settings.read_schema, sorted(random.Random(seed).sample(range(1, last), 3))
    try:
        for point in kills:  # kill each time the checkpoint passes a seeded point
            process = gateway(settings)
            await eventually(lambda: _at_least(pool, schema, point), timeout=120, message=f"checkpoint {point}")
            process.kill()
        process = gateway(settings)
        await eventually(lambda: _at_least(pool, schema, last), timeout=120, message="caught up")
        # Stopped as at each point, by SIGKILL: what is committed is all there is. (A graceful stop is
        # tested where it is the subject: tests/integration/test_stop_deadline.py, test_stop_signals.py.)
        process.kill()
        await ensure_schema(pool, "uninterrupted")
        stop = asyncio.Event()
        reference = Projector(js, pool, "uninterrupted")
        task = asyncio.create_task(reference.run(stop))
        assert await reference.wait_for(last, 120)
        stop.set()
        await task
        live, clean = await read_tables(pool, schema), await read_tables(pool, "uninterrupted")
        assert len(live["courses"]) == COURSES and live == clean
    finally:
        await pool.close()
        await nc.close()


async def _at_least(pool, schema: str, seq: int) -> bool:
    return await checkpoint(pool, schema) >= seq
