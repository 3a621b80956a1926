"""The bulk part of a rebuild (replay.py): the log up to a sequence folded in memory (fold.py)
and loaded into a fresh, empty schema with COPY over several connections at once, its keys,
indexes and foreign keys dropped for the load and made again after it, then the checkpoint. No one
reads the fresh schema before replay.py swaps it in, and a rebuild that fails drops it.

A log the fold cannot be sure to project exactly (fold.NotBulkable) or cannot read whole
leaves the schema untouched and says so: the caller applies the log as the live projector does."""
from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

import asyncpg
from nats.js import JetStreamContext

from shared.leftover_tasks import all_or_none, cancelled
from shared.events.catalogue import CourseForked

from .bulk_copy import CHUNK as COPY_CHUNK, Loaded, copy_tables
from .fold import Fold, NotBulkable
from .bulk_workers import FoldWorkers
from .log_reader import LogIncomplete, read_range
from .rows import COLUMNS
from .schema import checked

log = logging.getLogger(__name__)


FORKED = f".{CourseForked.type_name()}"
# Below this many events one process folds the log: starting workers would cost more than they save.
WORKERS_FROM = 50_000
# Connections loading at once from this process (one PostgreSQL backend each).
LOAD_CONNECTIONS = max(2, min(4, os.cpu_count() or 1))
INDEX_MEMORY = "256MB"  # per connection building keys and indexes


def worker_count() -> int:
    """As many folding processes as cores (up to 4), besides this one reading the log and loading
    the rows: measured on 2 cores, 2 workers fold 100,000 events in 33 s of wall time where 1 takes
    58 s (the decoding is the bulk of the work). With one core, this process folds alone."""
    cores = os.cpu_count() or 1
    return min(4, cores) if cores > 1 else 0


async def fold_log(js: JetStreamContext, stream: str, until: int, workers: int | None = None,
                   clock: dict[str, float] | None = None) -> dict[str, list[tuple]]:
    """Every table's rows from the log's events up to `until`, folded by `workers` processes (0:
    in this one; by default worker_count() when the log is long, else 0). Raises NotBulkable or
    LogIncomplete. `clock["waited_for_workers"]`: the seconds the reader waited for the workers."""
    first, workers = await _stretch(js, stream, until, workers)
    pool = FoldWorkers(workers) if workers >= 1 else None
    try:
        return await _fold(js, stream, first, until, pool, clock if clock is not None else {})
    finally:
        if pool is not None:
            pool.close()


async def _stretch(js: JetStreamContext, stream: str, until: int, workers: int | None) -> tuple[int, int]:
    """(the first sequence the log still holds — older events may have aged out —, the folding
    workers: as asked, else worker_count() when the stretch is long enough to pay for them)."""
    first = max(1, (await js.stream_info(stream)).state.first_seq)
    if workers is None:
        workers = worker_count() if until - first >= WORKERS_FROM else 0
    return first, workers


async def _fold(js: JetStreamContext, stream: str, first: int, until: int, pool: FoldWorkers | None,
                clock: dict[str, float], rows_back: bool = True) -> dict[str, list[tuple]] | None:
    """The log from `first` to `until` folded here (no `pool`) or by the pool's workers; the rows,
    or None when they stay in the workers (`rows_back` false) to be copied from there."""
    if pool is None:
        fold = Fold()
        async for batch in read_range(js, stream, first, until):
            _refuse_forks(batch)
            for m in batch:
                fold.add(m.seq, m.subject, m.data)
        position, tables = fold.position, fold.tables()
    else:
        waited = 0.0
        async for batch in read_range(js, stream, first, until):
            _refuse_forks(batch)
            handing = time.monotonic()
            await pool.feed(batch)
            waited += time.monotonic() - handing
        handing = time.monotonic()
        position = await pool.folded()
        tables = await pool.rows() if rows_back else None
        clock["waited_for_workers"] = waited + time.monotonic() - handing
    if first <= until and position != until:
        raise LogIncomplete(f"the log of {stream} ended at {position}, before {until}")
    return tables


def _refuse_forks(batch) -> None:
    """A fork's rows are made from its source's history, which the live projector reads (projector.py);
    the fold sees one event at a time, so a log with a fork is applied through them."""
    for m in batch:
        if m.subject.endswith(FORKED):
            raise NotBulkable(f"a course was forked at {m.seq}: its inherited rows are read from its source")


@dataclass(frozen=True)
class BulkTimes:
    """Where a bulk build's time went, for an operator predicting the next one."""
    events: int
    workers: int
    fold_seconds: float  # reading the log and folding it
    load_seconds: float  # COPY, then keys, indexes and foreign keys
    waited_for_workers_seconds: float = 0.0  # of fold_seconds: the reader waiting for the folding workers
    copy_seconds: float = 0.0  # of load_seconds
    index_seconds: float = 0.0  # of load_seconds: keys and indexes still to build once the COPY is done
    foreign_key_seconds: float = 0.0  # of load_seconds


async def bulk_build(js: JetStreamContext, pool: asyncpg.Pool, stream: str, schema: str, until: int,
                     workers: int | None = None, database_url: str | None = None) -> BulkTimes | None:
    """Fill the empty read tables of `schema` with the log up to `until`; None, with the schema
    untouched, when the log is not one to fold (the caller then applies it event by event). With
    `database_url` (the pool's database), folding workers COPY their own rows."""
    started = time.monotonic()
    first, workers = await _stretch(js, stream, until, workers)
    clock: dict[str, float] = {}
    folding = FoldWorkers(workers) if workers >= 1 else None
    try:
        try:
            tables = await _fold(js, stream, first, until, folding, clock, rows_back=database_url is None)
        except (NotBulkable, LogIncomplete, EOFError, OSError) as exc:  # EOF, OSError: a worker died
            log.warning("replay applies the log event by event: %s", exc)
            return None
        folded = time.monotonic()
        closing = None

        async def copy_from_workers(loaded: Loaded) -> None:
            nonlocal closing
            await folding.copy_into(database_url, schema, COPY_CHUNK, loaded)
            # They hold every row: let them go (and their memory) while the indexes are built.
            closing = asyncio.ensure_future(asyncio.to_thread(folding.close))

        if tables is None:
            copy = copy_from_workers
        else:
            copy = lambda loaded: copy_on_pool(pool, schema, tables, loaded=loaded)  # noqa: E731
        await load(pool, schema, until, copy, clock)
        if closing is not None:
            await closing
    finally:
        if folding is not None:
            folding.close()
    times = BulkTimes(max(0, until - first + 1), workers, round(folded - started, 2),
                      round(time.monotonic() - folded, 2),
                      **{f"{part}_seconds": round(clock.get(part, 0.0), 2)
                         for part in ("waited_for_workers", "copy", "index", "foreign_key")})
    log.info("bulk rebuild of %s up to %s: %s", schema, until, times)
    return times


async def copy_on_pool(pool: asyncpg.Pool, schema: str, tables: dict[str, list[tuple]],
                       connections: int | None = None, chunk: int = COPY_CHUNK, loaded: Loaded | None = None) -> None:
    """The rows COPYed from this process over up to `connections` pooled connections at once
    (PostgreSQL parses and stores each COPY in its own backend); `loaded(table)` once a table is in."""
    await copy_tables(pool.acquire, connections or LOAD_CONNECTIONS, schema, tables, chunk, loaded=loaded)


_CONSTRAINTS = """
SELECT t.relname AS table_name, c.conname, c.contype::text AS contype, pg_get_constraintdef(c.oid) AS definition
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = $1 AND t.relname = ANY($2::text[]) AND c.contype IN ('p', 'u', 'f')
ORDER BY c.contype DESC, t.relname, c.conname"""  # u, p before f: the order to make them again

_INDEXES = """
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = $1 AND tablename = ANY($2::text[]) AND indexname <> ALL($3::text[])"""


async def load(pool: asyncpg.Pool, schema: str, position: int, copy: Callable[[Loaded], Awaitable[object]],
               clock: dict[str, float] | None = None, connections: int | None = None) -> None:
    """Load the empty tables of `schema` with `copy(loaded)` (copy_on_pool, or the folding
    workers), with the tables' keys, indexes and foreign keys dropped first and made again after
    (each index built once is far cheaper than row by row): a table's keys and indexes as soon as
    `copy` says it is in (`loaded(table)`), while the rest are copied; then the foreign keys and the
    checkpoint. Not one transaction: the schema is a fresh one no one reads until replay.py swaps it
    in, and a rebuild that fails is dropped whole (replay.py). `clock` gets the seconds of each
    part: copy, index (the keys and indexes still to build once the copy is done), foreign_key."""
    clock = clock if clock is not None else {}
    s = checked(schema)
    names = list(COLUMNS)
    connections = connections or LOAD_CONNECTIONS
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(f"SELECT stream_seq FROM {s}.projection_checkpoint WHERE id = 1") != 0:
            raise RuntimeError(f"{s} is not freshly created: its checkpoint is not 0")
        constraints = await conn.fetch(_CONSTRAINTS, s, names)
        keys = [c["conname"] for c in constraints if c["contype"] != "f"]
        indexes = await conn.fetch(_INDEXES, s, names, keys)
        for c in sorted(constraints, key=lambda c: c["contype"] != "f"):  # foreign keys go first
            await conn.execute(f'ALTER TABLE {s}.{c["table_name"]} DROP CONSTRAINT {c["conname"]}')
        for index in indexes:
            await conn.execute(f'DROP INDEX {s}.{index["indexname"]}')
    # Each table's keys and indexes on one connection, up to `connections` tables at once; then
    # the foreign keys (each locks the table it references: they would only wait for one another).
    per_table: dict[str, list[str]] = {}
    for c in constraints:
        if c["contype"] != "f":
            per_table.setdefault(c["table_name"], []).append(
                f'ALTER TABLE {s}.{c["table_name"]} ADD CONSTRAINT {c["conname"]} {c["definition"]}')
    for index in indexes:
        table = index["indexdef"].split(" ON ", 1)[1].split()[0].rpartition(".")[2]
        per_table.setdefault(table, []).append(index["indexdef"])
    building: list[asyncio.Future] = []
    at_once = asyncio.Semaphore(connections)

    async def build(statements: list[str]) -> None:
        async with at_once, pool.acquire() as conn:
            await _execute_all(conn, statements)

    def loaded(table: str) -> None:
        statements = per_table.pop(table, None)
        if statements:
            building.append(asyncio.ensure_future(build(statements)))

    started = time.monotonic()
    try:
        await copy(loaded)
        clock["copy"], started = time.monotonic() - started, time.monotonic()
        for table in sorted(per_table, key=lambda t: -len(per_table[t])):  # any table `copy` did not name
            loaded(table)
        await all_or_none(*building)
    finally:
        await cancelled(*building)
    clock["index"], started = time.monotonic() - started, time.monotonic()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit TO off")
        await conn.execute(f"SET LOCAL maintenance_work_mem TO '{INDEX_MEMORY}'")
        for c in constraints:
            if c["contype"] == "f":
                await conn.execute(f'ALTER TABLE {s}.{c["table_name"]} ADD CONSTRAINT {c["conname"]} {c["definition"]}')
        await conn.execute(f"UPDATE {s}.projection_checkpoint SET stream_seq = $1 WHERE id = 1", position)
    clock["foreign_key"] = time.monotonic() - started


async def _execute_all(conn: asyncpg.Connection, statements: list[str]) -> None:
    async with conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit TO off")
        # An index sorted in memory rather than in temporary files (PostgreSQL's default is 64 MB).
        await conn.execute(f"SET LOCAL maintenance_work_mem TO '{INDEX_MEMORY}'")
        for statement in statements:
            await conn.execute(statement)
