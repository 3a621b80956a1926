"""The gateway's pool skips asyncpg's reset query (services/gateway/reading/read_pool.py): after the API,
the projector and a replay have used every pooled connection, each still holds a fresh session's
state — default settings, no advisory lock, no LISTEN, no cursor, no open transaction."""
from __future__ import annotations

import asyncio

from services.gateway.projection.replay import replay
from services.gateway.reading.read_pool import POOL_SIZE
from tests.support.flows import ALICE, new_course
from tests.support.waiting import patient


async def test_pooled_connections_come_back_as_fresh_sessions(gateway):
    c = gateway.app.state.container
    for n in range(3):
        course_id = await new_course(gateway, title=f"course {n}")
        await asyncio.gather(*(gateway.get(f"/api/courses/{course_id}/stage{s}/status", headers=ALICE)
                               for s in (1, 2, 3, 4)))
    await replay(c.js, c.pool, c.settings.read_schema, c.settings.stream_name)  # SET LOCAL, xact locks

    async with c.pool.acquire() as probe:  # what a session starts with
        defaults = await probe.fetchrow(
            "SELECT reset_val AS synchronous_commit FROM pg_settings WHERE name = 'synchronous_commit'")
    held = [await asyncio.wait_for(c.pool.acquire(), patient(10)) for _ in range(POOL_SIZE)]  # every connection
    try:
        for conn in held:
            assert not conn.is_in_transaction()
            state = await conn.fetchrow(
                """SELECT current_setting('synchronous_commit') AS synchronous_commit,
                          (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS locks,
                          (SELECT count(*) FROM pg_listening_channels()) AS channels,
                          (SELECT count(*) FROM pg_cursors WHERE name <> '') AS cursors""")  # '': this query's own
            assert dict(state) == {"synchronous_commit": defaults["synchronous_commit"], "locks": 0,
                                   "channels": 0, "cursors": 0}
    finally:
        for conn in held:
            await c.pool.release(conn)
