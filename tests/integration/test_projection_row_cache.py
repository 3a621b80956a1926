"""The live projector keeps the rows of the courses it touched lately in memory between batches
(rows.RowCache) and writes a batch's many new rows with COPY: the read tables stay exactly what
applying the same log without either gives, when another writer applied events in between, and
when PostgreSQL refuses a batch's rows."""
from __future__ import annotations

import uuid

import asyncpg
import pytest

from services.gateway.projection.projector import apply_batch, ensure_schema
from services.gateway.projection.rows import COPY_FROM, RowCache
from shared.events import Event, subject_for
from shared.events.catalogue import CourseCreated, CourseUpdated, RepoCloneRequested, RepoFilesDiscovered
from tests.support.delivered import delivered
from tests.support.read_tables import read_tables


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


async def whole_log() -> int:
    return 1


def log_of(events: list[Event]) -> list:
    return [delivered(seq, subject_for(e), e.to_json()) for seq, e in enumerate(events, start=1)]


async def fresh_schema(pool: asyncpg.Pool) -> str:
    schema = f"rc_{uuid.uuid4().hex[:12]}"
    await ensure_schema(pool, schema)
    return schema


async def apply(pool: asyncpg.Pool, schema: str, batch: list, cache: RowCache | None = None) -> int:
    async with pool.acquire() as conn:
        return await apply_batch(conn, schema, batch, whole_log, cache=cache)


async def applied_at_once(pool: asyncpg.Pool, log: list) -> dict:
    schema = await fresh_schema(pool)
    await apply(pool, schema, log)
    return await read_tables(pool, schema)


def created(course: str) -> CourseCreated:
    return CourseCreated(course_id=course, actor="alice", payload={"owner_id": "alice", "title": "first"})


def updated(course: str, revision: int, **changes) -> CourseUpdated:
    return CourseUpdated(course_id=course, actor="alice", payload={"revision": revision, **changes})


async def test_rows_another_writer_changed_are_read_again(pool):
    """A second projector (or a re-projection, or a replay's swap) wrote between two batches of
    this one: its cached rows are stale, and folding into them would undo the other's update."""
    log = log_of([created("c"), updated("c", 2, title="second"), updated("c", 3, description="third")])
    schema, cache = await fresh_schema(pool), RowCache()

    await apply(pool, schema, log[:1], cache)
    await apply(pool, schema, log[1:2])  # another writer, without this cache
    assert await apply(pool, schema, log[2:], cache) == 3

    tables = await read_tables(pool, schema)
    assert tables == await applied_at_once(pool, log)
    row = await pool.fetchrow(f"SELECT title, description, revision FROM {schema}.courses")
    assert tuple(row) == ("second", "third", 3)


async def test_a_refused_batch_leaves_no_trace_in_the_cache(pool):
    """The fold changed the cached rows before PostgreSQL refused one (a NUL in a title): the
    event is set aside, and the next batch starts from the rows the tables hold."""
    log = log_of([created("c"), updated("c", 2, title="bad\x00title"), updated("c", 3, description="third")])
    schema, cache = await fresh_schema(pool), RowCache()

    for batch in (log[:1], log[1:2], log[2:]):
        await apply(pool, schema, batch, cache)

    tables = await read_tables(pool, schema)
    assert tables == await applied_at_once(pool, log)
    assert [r[0] for r in tables["projection_rejects"]] == [2]
    row = await pool.fetchrow(f"SELECT title, description, revision FROM {schema}.courses")
    assert tuple(row) == ("first", "third", 3)


async def test_a_value_copy_cannot_encode_sets_its_event_aside(pool):
    """A file listing long enough to go in by COPY, one size beyond BIGINT: asyncpg refuses it as
    it encodes (not as PostgreSQL's DataError); the event is set aside as executemany's would be,
    and the rest of the batch is applied."""
    files = [{"path": f"docs/{n}.md", "size": 2**63 if n == 7 else n, "is_documentation": True}
             for n in range(COPY_FROM + 8)]
    log = log_of([
        created("c"),
        RepoCloneRequested(course_id="c", actor="alice", payload={"task_id": "t1", "repo_url": "https://x/y.git"}),
        RepoFilesDiscovered(course_id="c", actor="cloner",
                            payload={"task_id": "t1", "chunk_index": 0, "chunk_count": 1, "files": files}),
        updated("c", 2, title="after"),
    ])
    schema = await fresh_schema(pool)

    assert await apply(pool, schema, log, RowCache()) == 4

    tables = await read_tables(pool, schema)
    assert [r[0] for r in tables["projection_rejects"]] == [3]
    assert tables["repository_files"] == []
    assert await pool.fetchval(f"SELECT title FROM {schema}.courses") == "after"
