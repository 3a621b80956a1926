"""Applies the log to the read tables in stream order, rows and checkpoint in one transaction."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import itertools
import logging
from typing import Awaitable, Callable, Iterator, NamedTuple, Sequence

import asyncpg
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.leftover_tasks import cancelled
from shared.bus.lifecycle import pause
from shared.events import Event, PoisonEvent
from shared.events.catalogue import CourseForked, DocAnalysed

from .bulk_decode import as_folded, decode
from .fold import Fold, NotBulkable
from .forks import Inherit, as_applied, inheritance_of
from .live_reader import Delivered, LiveReader
from .log_reader import every_event_filter, stream_seq
from .rows import COLUMNS, COPY_FROM, RowCache, load, snapshot, write_changes
from .schema import DDL_VERSION, checked, ddl

log = logging.getLogger(__name__)


async def ensure_schema(pool: asyncpg.Pool, schema: str) -> None:
    async with pool.acquire() as conn:
        # Two gateways starting together must not race on CREATE ... IF NOT EXISTS.
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"ddl:{schema}")
            await conn.execute(ddl(schema))


async def layout_is_current(pool: asyncpg.Pool, schema: str) -> bool | None:
    """None when the schema does not exist; else whether its tables have this code's layout."""
    async with pool.acquire() as conn:
        if not await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
            return None
        if not await conn.fetchval("SELECT to_regclass($1)", f"{schema}.projection_meta"):
            return False
        version = await conn.fetchval(f"SELECT ddl_version FROM {checked(schema)}.projection_meta")
        return version == DDL_VERSION


async def read_checkpoint(conn: asyncpg.Connection, schema: str, lock: bool = False) -> int:
    sql = f"SELECT stream_seq FROM {checked(schema)}.projection_checkpoint WHERE id = 1"
    return await conn.fetchval(sql + (" FOR UPDATE" if lock else ""))


async def _lock_checkpoint(conn: asyncpg.Connection, schema: str) -> tuple[int, str]:
    """The checkpoint, locked until the transaction ends, and the transaction that wrote it."""
    row = await conn.fetchrow(
        f"SELECT stream_seq, xmin::text FROM {checked(schema)}.projection_checkpoint WHERE id = 1 FOR UPDATE")
    return row[0], row[1]


# The first stream sequence the log still holds (older events may have aged out by its limits).
LogStart = Callable[[], Awaitable[int]]


class ReaderSkipped(RuntimeError):
    """The reader handed over an event while earlier ones the log still holds were never
    delivered. The stream never deletes (deny_delete, deny_purge), so this is a reader on a node
    still catching up after a restart, serving a later event as if the missing ones were deleted;
    applying on would lose them for good. Resume from the checkpoint with a new reader."""


def log_start_of(js: JetStreamContext, stream: str) -> LogStart:
    async def first_seq() -> int:
        return (await js.stream_info(stream)).state.first_seq  # answered by the stream's leader
    return first_seq


async def apply_batch(conn: asyncpg.Connection, schema: str, messages: Sequence[Delivered | Msg | Decoded],
                      log_start: LogStart, inherit: Inherit | None = None, cache: RowCache | None = None) -> int:
    """Apply what is above the checkpoint, inside the caller's transaction; return the new checkpoint.
    Fast path: the rows of the courses the batch touches loaded, the whole batch folded into them
    (fold.py) and what changed written back, under one savepoint. If PostgreSQL refuses a row, the
    batch is rolled back and applied again event by event, each under a savepoint of its own,
    setting aside the event whose rows cannot be stored. A batch that does not follow on from the
    checkpoint raises ReaderSkipped unless `log_start` says the events in between aged out of the
    log. A fork's rows are made from what `inherit` reads (forks.py). `cache`: the rows of courses
    earlier batches touched, used while no one else wrote the tables since (rows.RowCache)."""
    with collector_paused():
        return await _apply_batch(conn, schema, messages, log_start, inherit, cache)


async def _apply_batch(conn: asyncpg.Connection, schema: str, messages: Sequence[Delivered | Msg | Decoded],
                       log_start: LogStart, inherit: Inherit | None, cache: RowCache | None) -> int:
    try:
        async with conn.transaction():
            return await _apply_messages(conn, schema, messages, log_start, inherit, cache, careful=False)
    except BaseException as exc:
        if cache is not None:
            cache.clear()  # the fold changed the rows it holds; the tables did not change
        if not isinstance(exc, (*DATA_ERRORS, NotBulkable)):
            raise
    async with conn.transaction():
        return await _apply_messages(conn, schema, messages, log_start, inherit, None, careful=True)


async def _follows_on(position: int, seq: int, log_start: LogStart) -> None:
    if seq == position + 1:
        return
    first = await log_start()
    if seq > max(first, position + 1):
        raise ReaderSkipped(f"the reader delivered stream seq {seq} after {position}, "
                            f"though the log holds every event from {first}")


# A message above the checkpoint: (its seq, its subject, the events it stands for with their
# sequences — a fork's inherited ones too —, or None and why it cannot be read).
Pending = tuple[int, str, list[tuple[int, Event | dict]] | None, str]


class Decoded(NamedTuple):
    """A delivery decoded before its batch is applied: its event, or None and why it cannot be read."""
    subject: str
    reply: bytes | str  # a Delivered's, a nats-py Msg's
    data: bytes
    event: Event | dict | None
    unreadable: str


def decoded(msg: Delivered | Msg | Decoded) -> Decoded:
    if isinstance(msg, Decoded):
        return msg
    try:
        # tuple.__new__: a NamedTuple's own __new__ is a Python function, a cost per event
        return tuple.__new__(Decoded, (msg.subject, msg.reply, msg.data, decode(msg.subject, msg.data, strict=False), ""))
    except PoisonEvent as exc:
        return tuple.__new__(Decoded, (msg.subject, msg.reply, msg.data, None, str(exc)))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is decoded or applied. A batch makes tens of
    container objects per event (decoded events, rows, snapshots), nearly all freed by reference
    counting when it is written; the collector, left running, traversed them again and again as
    they aged through its generations — most of the projector's CPU on a backlog. The rest of the
    process runs without it for the batch's milliseconds (a block that awaits lets other tasks run);
    the collection that was due happens at the first allocation after. Nested: only the outermost
    pauses and resumes it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Messages decoded at a time ahead of their batch: between two slices the batch being written goes
# on as soon as PostgreSQL answers, so decoding fills the waits for it instead of delaying them.
DECODE_SLICE = 32


async def decoded_ahead(messages: Sequence[Delivered | Msg]) -> list[Decoded]:
    found: list[Decoded] = []
    for at in range(0, len(messages), DECODE_SLICE):
        with collector_paused():
            found += [decoded(msg) for msg in messages[at:at + DECODE_SLICE]]
        await asyncio.sleep(0)
    return found


async def _apply_messages(conn: asyncpg.Connection, schema: str, messages: Sequence[Delivered | Msg | Decoded],
                          log_start: LogStart, inherit: Inherit | None, cache: RowCache | None,
                          careful: bool) -> int:
    # Read tables are derived from the log: a commit lost in a database crash is applied again
    # from the checkpoint it was stored with, so waiting for the disk on every commit buys nothing.
    await conn.execute("SET LOCAL synchronous_commit TO off")
    position, written_by = await _lock_checkpoint(conn, schema)
    if cache is not None:
        cache.check(written_by)
    start = position
    pending: list[Pending] = []
    for msg in messages:
        seq = stream_seq(msg.reply)  # nats-py's msg.metadata parses every field of it: 7 % of the projection
        if seq <= position:
            continue  # applied before (a restart, a peer replica, or a redelivery)
        if seq != position + 1:
            await _follows_on(position, seq, log_start)
        event, unreadable = decoded(msg)[3:]
        if event is None:
            log.error("projection skips stream seq %s: %s", seq, unreadable)
            pending.append((seq, msg.subject, None, unreadable))
        elif type(event) is not CourseForked:  # decoded as the fold reads it: no coroutine per event
            pending.append((seq, msg.subject, [(seq, event)], ""))
        else:
            applied = [(at, as_folded(one)) for at, one in await as_applied(event, seq, inherit)]
            pending.append((seq, msg.subject, applied, ""))
        position = seq
    folded: tuple[list[str], Fold] | None = None
    if not careful:
        folded = await _fold_and_write(conn, schema, pending, cache, careful)
    for one in pending if careful else ():
        try:
            async with conn.transaction():  # a savepoint: a rejected event leaves no partial rows
                await _fold_and_write(conn, schema, [one], None, careful)
        except (*DATA_ERRORS, NotBulkable) as exc:
            log.error("projection rejects stream seq %s (%s): %s", one[0], one[1], exc)
            await _reject(conn, schema, one[0], one[1], f"{type(exc).__name__}: {exc}")
    if position != start:
        written_by = await conn.fetchval(
            f"UPDATE {schema}.projection_checkpoint SET stream_seq = $1 WHERE id = 1 RETURNING xmin::text", position
        )
    if cache is not None and folded is not None:
        touched, fold = folded
        cache.keep(touched, fold.courses, fold.deleted, written_by)
    return position


def _course_of(event: Event | dict) -> str:
    return event["course_id"] if isinstance(event, dict) else event.course_id


async def _fold_and_write(conn: asyncpg.Connection, s: str, pending: list[Pending],
                          cache: RowCache | None, careful: bool) -> tuple[list[str], Fold]:
    """Fold `pending` into the rows of the courses it touches (those `cache` holds, the others
    loaded) and write back what changed; the courses touched and the fold. Careful: PostgreSQL
    judges each row as it comes (no COPY)."""
    events = [(at, event) for _, _, applied, _ in pending for at, event in applied or ()]
    touched = sorted({_course_of(event) for _, event in events})
    fold = Fold(strict=False)
    courses, deleted, missing = cache.held(touched) if cache is not None else ({}, {}, touched)
    if missing:
        loaded, loaded_deleted = await load(conn, s, missing)
        courses.update(loaded)
        deleted.update(loaded_deleted)
    fold.courses.update(courses)
    fold.deleted.update(deleted)
    for c in courses.values():
        fold.doc_ids.update(row[0] for row in c.docs.values())
        fold.pathway_ids.update(row[0] for row in c.pathways)
        fold.module_ids.update(row[0] for row in c.modules)
    analysed = [e["event_id"] for _, e in events if type(e) is dict and e["event_type"] == _DOC_ANALYSED]
    # An analysis's id is unique across courses: a course not loaded may hold it. A whole batch
    # leaves that to the column's UNIQUE constraint, whose refusal has it applied carefully.
    if analysed and careful:
        fold.doc_ids.update(r[0] for r in await conn.fetch(
            f"SELECT id FROM {s}.analyzed_documents WHERE id = ANY($1::text[])", analysed))
    before = snapshot(courses)
    for seq, subject, applied, reason in pending:
        if applied is None:
            fold.reject(seq, subject, reason)
        for at, event in applied or ():
            fold.apply(event, at)
    await write_changes(conn, s, before, snapshot(fold.courses), None if careful else COPY_FROM)
    newly_deleted = [(course, at) for course, at in fold.deleted.items() if course not in deleted]
    for table, rows in (("deleted_courses", newly_deleted), ("run_spend", list(fold.spend.values())),
                        ("projection_rejects", fold.rejects)):
        if rows:
            columns = COLUMNS[table]
            await conn.executemany(f"INSERT INTO {s}.{table} ({', '.join(columns)}) VALUES "
                                   f"({', '.join(f'${i}' for i in range(1, len(columns) + 1))}) ON CONFLICT DO NOTHING",
                                   rows)
    return touched, fold


_DOC_ANALYSED = DocAnalysed.type_name()


async def _reject(conn: asyncpg.Connection, schema: str, seq: int, subject: str, reason: str) -> None:
    await conn.execute(f"INSERT INTO {schema}.projection_rejects VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                       seq, subject, reason[:2000])


# Errors an event's own data causes: applying it again can never work, so it is set aside
# (projection_rejects) instead of blocking every event behind it. Anything else is retried.
DATA_ERRORS = (asyncpg.exceptions.DataError, asyncpg.exceptions.IntegrityConstraintViolationError)


async def reader_from(js: JetStreamContext, stream: str, start_seq: int):
    """An ephemeral, unacknowledged pull consumer over every event (every root) from `start_seq` on.
    One fetcher reading it sees the stream in order; the checkpoint, not the consumer, is durable."""
    config = ConsumerConfig(
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=start_seq,
        ack_policy=AckPolicy.NONE, inactive_threshold=30.0, mem_storage=True, num_replicas=1,
        filter_subjects=await every_event_filter(js, stream),
    )
    return await js.pull_subscribe("", durable=None, stream=stream, config=config)


# How long the projector's reader may stay quiet before it checks that the reader still exists.
QUIET_CHECK_SECONDS = 5.0
# How long the projector waits for events before it looks at its stop flag again. Events are handed
# over as they arrive (live_reader.py), so this bounds stopping, not the lag.
TAKE_WAIT_SECONDS = 0.1


# The most events one transaction applies. Live, a transaction takes what has arrived (often one
# event); behind (a start, a burst), transactions grow to this, and each course a batch touches is
# loaded, diffed and written once for more of its events.
BATCH_SIZE = 1024


class Projector:
    def __init__(self, js: JetStreamContext, pool: asyncpg.Pool, schema: str,
                 stream: str = "COURSES", batch_size: int = BATCH_SIZE) -> None:
        self._js, self._pool, self._schema = js, pool, checked(schema)
        self._stream, self._batch_size = stream, batch_size
        self._position = 0
        self._log_start = log_start_of(js, stream)
        self._inherit = inheritance_of(js, stream)
        # Who waits for which position, the lowest first: an advance wakes only those it reaches,
        # not every waiter (a thousand learners answering at once are a thousand waiters).
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._waiting = itertools.count()
        self._cache = RowCache()

    @property
    def position(self) -> int:
        return self._position

    @property
    def waiting(self) -> int:
        """How many waits for a position have not ended yet."""
        return sum(1 for _, _, reached in self._waiters if not reached.done())

    async def wait_for(self, seq: int, timeout: float) -> bool:
        """True once the projection has reached `seq`, False if `timeout` passed first."""
        if self._position >= seq:
            return True
        reached: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (seq, next(self._waiting), reached))
        try:
            await asyncio.wait_for(reached, timeout)  # on timeout, cancelled: an advance skips it
            return True
        except TimeoutError:
            return False

    async def _advance(self, position: int) -> None:
        self._position = max(self._position, position)
        while self._waiters and self._waiters[0][0] <= self._position:
            reached = heapq.heappop(self._waiters)[2]
            if not reached.done():
                reached.set_result(None)

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set; survive NATS and PostgreSQL outages by resuming from the
        checkpoint. A stop flag, not only cancel(): nats-py can swallow a cancellation in fetch."""
        backoff = 0.1
        while not stop.is_set():
            reached = self._position
            try:
                await self._consume(stop)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the loop is the supervisor: log, back off, resume
                backoff = 0.1 if self._position > reached else min(backoff * 2, 5.0)
                log.warning("projector interrupted (%s); resuming in %.1fs", exc, backoff)
                await pause(stop, backoff)

    async def _consume(self, stop: asyncio.Event) -> None:
        # Resume from the stored checkpoint, not from memory: the tables may have been rebuilt.
        async with self._pool.acquire() as first:
            checkpoint = await read_checkpoint(first, self._schema)
        await self._advance(checkpoint)
        reader = await LiveReader.open(self._js, self._stream, checkpoint + 1, self._batch_size)
        loop, quiet_since = asyncio.get_running_loop(), None
        # A connection held while batches keep coming: handing it back to the pool costs a round
        # trip (the pool resets it) per batch.
        conn: asyncpg.pool.PoolConnectionProxy | None = None
        upcoming: asyncio.Future[list[Decoded]] | None = None
        try:
            while not stop.is_set():
                # While this batch is written the next one arrives (live_reader.AHEAD) and is
                # decoded: the waits for PostgreSQL, for NATS and the decoding overlap.
                batch = await (upcoming or self._next_batch(reader))
                upcoming = None
                if not batch:
                    if conn is not None:
                        await self._pool.release(conn)
                        conn = None
                    quiet_since = quiet_since or loop.time()
                    if loop.time() - quiet_since >= QUIET_CHECK_SECONDS:
                        # The reader lives on one node of a cluster: when that node is lost or cut
                        # off, nothing arrives. Asking for it raises then, and the loop resumes
                        # from the checkpoint on a new reader.
                        await reader.check()
                        quiet_since = None
                    continue
                quiet_since = None
                conn = conn or await self._pool.acquire()
                upcoming = asyncio.ensure_future(self._next_batch(reader))
                # apply_batch's own transaction holds the rows and the checkpoint together
                position = await apply_batch(conn, self._schema, batch, self._log_start, self._inherit, self._cache)
                await self._advance(position)
        finally:
            if upcoming is not None:  # its events are read again from the checkpoint
                await cancelled(upcoming)
            if conn is not None:
                await self._pool.release(conn)
            await reader.close()

    @staticmethod
    async def _next_batch(reader: LiveReader) -> list[Decoded]:
        return await decoded_ahead(await reader.take(TAKE_WAIT_SECONDS))
