"""Operator replay: rebuild every read table from the log into a fresh schema, then swap it in
while the gateway keeps serving. The bulk of the log is folded in memory and loaded with COPY
(bulk_replay.py); what the log gained meanwhile is applied as live, by the live projector's own path."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass

import asyncpg
from nats.js import JetStreamContext

from shared.leftover_tasks import cancelled
from shared.bus.eventstore import patiently

from .bulk_replay import BulkTimes, bulk_build
from .forks import inheritance_of
from .projector import (ReaderSkipped, apply_batch, ensure_schema, layout_is_current, log_start_of,
                        read_checkpoint, reader_from)
from .schema import checked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplayReport:
    schema: str
    stream_seq: int
    seconds: float
    bulk: BulkTimes | None = None  # the bulk build's parts; None when the log was applied as live


async def _batches(js: JetStreamContext, stream: str, after: int, until: int):
    """The log's messages after `after` up to `until`, in order, in batches; the next batch is
    fetched while the caller applies this one."""
    if after >= until:
        return
    sub = await reader_from(js, stream, after + 1)
    pending: asyncio.Future | None = None
    try:
        position = after
        pending = asyncio.ensure_future(sub.fetch(min(1000, until - position), timeout=5.0))
        while position < until:
            messages = await pending
            pending = None
            batch = [m for m in messages if m.metadata.sequence.stream <= until]
            position = batch[-1].metadata.sequence.stream
            if position < until:
                pending = asyncio.ensure_future(sub.fetch(min(1000, until - position), timeout=5.0))
            yield batch
    finally:
        if pending is not None:
            await cancelled(pending)
        await sub.unsubscribe()


async def _project(js: JetStreamContext, stream: str, pool: asyncpg.Pool, schema: str, until: int) -> None:
    """Apply the log into `schema` up to `until`, one transaction per batch; a read cut short by
    a cluster electing a leader (its reader placed on a node just lost or restarted) resumes from
    the checkpoint."""
    await patiently(lambda: _whole(lambda: _project_from_checkpoint(js, stream, pool, schema, until)),
                    f"replaying into {schema}")


async def _whole(attempt, tries: int = 5) -> None:
    """`attempt()` again from the checkpoint while its reader skips events (ReaderSkipped)."""
    for left in range(tries - 1, -1, -1):
        try:
            return await attempt()
        except ReaderSkipped as exc:
            if not left:
                raise
            log.warning("replay resumes from its checkpoint: %s", exc)


async def _project_from_checkpoint(js: JetStreamContext, stream: str, pool: asyncpg.Pool, schema: str,
                                   until: int) -> None:
    async with pool.acquire() as conn:
        after = await read_checkpoint(conn, schema)
    log_start, inherit = log_start_of(js, stream), inheritance_of(js, stream)
    async for batch in _batches(js, stream, after, until):
        async with pool.acquire() as conn, conn.transaction():
            await apply_batch(conn, schema, batch, log_start, inherit)


async def _project_within(js: JetStreamContext, stream: str, conn: asyncpg.Connection,
                          schema: str, until: int) -> None:
    """Apply the log into `schema` up to `until` inside the caller's open transaction (a batch
    that raises is undone by its own savepoint, so resuming from the checkpoint is safe)."""
    log_start, inherit = log_start_of(js, stream), inheritance_of(js, stream)

    async def from_checkpoint() -> None:
        async for batch in _batches(js, stream, await read_checkpoint(conn, schema), until):
            await apply_batch(conn, schema, batch, log_start, inherit)
    await _whole(from_checkpoint)


async def prepare_read_tables(js: JetStreamContext, pool: asyncpg.Pool, schema: str, stream: str,
                              database_url: str | None = None) -> None:
    """At start-up: create the read tables, or rebuild them by replay if their layout is older
    than this code's (the log is the truth; read tables are disposable)."""
    async with pool.acquire() as conn, conn.transaction():
        # One gateway upgrades; the others wait here and then find the layout current.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"layout:{schema}")
        current = await layout_is_current(pool, schema)
        if current is False:
            log.warning("read tables in %s have an older layout; rebuilding them from the log", schema)
            await replay(js, pool, schema, stream, database_url)
        elif current is None:
            await ensure_schema(pool, schema)


async def replay(js: JetStreamContext, pool: asyncpg.Pool, live_schema: str,
                 stream: str = "COURSES", database_url: str | None = None) -> ReplayReport:
    """Rebuild the read tables from the log into a fresh schema and swap it in while the live one
    keeps serving. `database_url`, the pool's database: the bulk build's folding workers load
    their rows over connections of their own (without it the rows come back to this process)."""
    live = checked(live_schema)
    stamp = f"{time.strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:6]}"
    fresh, retired = checked(f"{live}_rebuild_{stamp}"), checked(f"{live}_retired_{stamp}")
    started = time.monotonic()
    await ensure_schema(pool, live)  # the operator may have dropped the read tables
    await ensure_schema(pool, fresh)
    try:
        rebuilt, bulk = await _rebuild(js, pool, stream, live, fresh, retired, database_url)
    except BaseException:
        # Half a rebuild is of no use to anyone: the next replay starts from a fresh schema again.
        with contextlib.suppress(Exception):
            async with pool.acquire() as conn:
                await conn.execute(f"DROP SCHEMA IF EXISTS {fresh} CASCADE")
        raise
    async with pool.acquire() as conn:
        await conn.execute(f"DROP SCHEMA {retired} CASCADE")
    report = ReplayReport(live, rebuilt, time.monotonic() - started, bulk)
    log.info("replay done: %s", report)
    return report


async def _rebuild(js: JetStreamContext, pool: asyncpg.Pool, stream: str, live: str, fresh: str,
                   retired: str, database_url: str | None) -> tuple[int, BulkTimes | None]:
    """The log into `fresh`, then `fresh` swapped in for `live` (which becomes `retired`)."""
    # The bulk, outside any lock: the gateway keeps serving and projecting into the live schema.
    # Folded in memory and loaded with COPY when the log allows (bulk_replay.py), else event by event.
    until = (await js.stream_info(stream)).state.last_seq
    bulk = await bulk_build(js, pool, stream, fresh, until, database_url=database_url)
    if bulk is None:
        await _project(js, stream, pool, fresh, until)
    async with pool.acquire() as conn:
        await _project(js, stream, pool, fresh, await read_checkpoint(conn, live))
    async with pool.acquire() as conn, conn.transaction():
        # Holding the live checkpoint row pauses the live projector until the swap commits,
        # so the last few events are applied here and nothing slips between the two schemas.
        live_position = await read_checkpoint(conn, live, lock=True)
        await _project_within(js, stream, conn, fresh, live_position)
        rebuilt = await read_checkpoint(conn, fresh)  # the whole log, even if the live one lagged
        await conn.execute(f"ALTER SCHEMA {live} RENAME TO {retired}")
        await conn.execute(f"ALTER SCHEMA {fresh} RENAME TO {live}")
    return rebuilt, bulk


async def reproject_from(js: JetStreamContext, pool: asyncpg.Pool, live_schema: str, from_seq: int,
                         stream: str = "COURSES") -> ReplayReport:
    """Apply the log again from `from_seq` to the live checkpoint, into the live read tables, in
    one transaction, without a full rebuild: events set aside (projection_rejects) are tried again
    after a fix, and rows lost since `from_seq` come back. Every write is idempotent, so rows that
    are there stay as they are (a row that is there but wrong needs the full `replay`). Holding the
    checkpoint row pauses the live projector meanwhile; on any error nothing changes."""
    if from_seq < 1:
        raise ValueError(f"from_seq must be at least 1, got {from_seq}")
    live, started = checked(live_schema), time.monotonic()
    async with pool.acquire() as conn, conn.transaction():
        position = await read_checkpoint(conn, live, lock=True)
        if from_seq <= position:
            await conn.execute(f"UPDATE {live}.projection_checkpoint SET stream_seq = $1 WHERE id = 1",
                               from_seq - 1)
            await conn.execute(f"DELETE FROM {live}.projection_rejects WHERE stream_seq >= $1", from_seq)
            await _project_within(js, stream, conn, live, position)
    report = ReplayReport(live, position, time.monotonic() - started)
    log.info("re-projected events %s..%s: %s", from_seq, position, report)
    return report
