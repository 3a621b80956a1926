"""Properties of the projection on generated histories of one course, applied to
real PostgreSQL read tables: the rows depend only on the log (applying it again from scratch, in
batches of any size, gives the same rows) and a redelivered event changes nothing, whether the
checkpoint or the rows' own keys stop it (applied again below the checkpoint, as `reproject_from` does). Each example projects into fresh schemas."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from services.gateway.projection.projector import apply_batch, ensure_schema
from shared.events import subject_for
from shared.events.catalogue import CourseDeleted
from tests.support.course_histories import histories
from tests.support.delivered import delivered
from tests.support.full_course import COURSE, course_events
from tests.support.read_tables import read_tables


def stored(events: list) -> list[SimpleNamespace]:
    """The events as the projector reads them from JetStream: subject, data, stream sequence."""
    return [delivered(seq, subject_for(e), e.to_json()) for seq, e in enumerate(events, start=1)]


async def whole_log() -> int:
    """The generated logs are whole: they hold every event from stream sequence 1."""
    return 1


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    yield pool
    await pool.close()


async def project(pool: asyncpg.Pool, batches: list[list], redeliver: bool = False) -> dict:
    """Rows of a fresh schema after applying `batches` (one transaction each)."""
    schema = f"p_{uuid.uuid4().hex[:12]}"
    await ensure_schema(pool, schema)
    async with pool.acquire() as conn:
        for batch in batches:
            async with conn.transaction():
                before = await conn.fetchval(f"SELECT stream_seq FROM {schema}.projection_checkpoint")
                after = await apply_batch(conn, schema, batch + batch if redeliver else batch, whole_log)
                if redeliver:  # again, from below the checkpoint: the rows' own keys must stop it
                    await conn.execute(f"UPDATE {schema}.projection_checkpoint SET stream_seq = $1", before)
                    assert await apply_batch(conn, schema, batch, whole_log) == after
    rows = await read_tables(pool, schema)
    await pool.execute(f"DROP SCHEMA {schema} CASCADE")
    return rows


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=histories(), cuts=st.lists(st.integers(1, 200), unique=True))
async def test_projection_is_deterministic_and_idempotent(pool, events, cuts):
    messages = stored(events)
    one_by_one = [[m] for m in messages]
    edges = [0, *sorted(c for c in cuts if c < len(messages)), len(messages)]
    chunked = [messages[a:b] for a, b in zip(edges, edges[1:])]
    first = await project(pool, one_by_one)
    assert first["projection_checkpoint"] == [(1, len(messages))]
    assert first["projection_rejects"] == []
    assert await project(pool, chunked) == first, "applying the log again from scratch changed the rows"
    assert await project(pool, one_by_one, redeliver=True) == first, "a redelivered event changed the rows"


def with_documents(event):
    """`event`, each module of a PathwaysGenerated made to list a document."""
    if event.event_type != "PathwaysGenerated":
        return event
    raw = event.model_dump(mode="json")
    for pathway in raw["payload"]["pathways"]:
        for module in pathway["modules"]:
            module["documents"] = ["docs/index.md"]
    return type(event).model_validate(raw)


async def test_a_deleted_course_leaves_no_row_in_any_table_also_those_without_a_foreign_key(pool):
    # repository_files, analyzed_documents and module_documents have no foreign key (schema.py):
    # their rows must go with the course as the others' go by ON DELETE CASCADE, and with a
    # pathway set planned again, whether the events come one batch each or all in one.
    events = [with_documents(e) for e in course_events("gone", "exports/gone.zip", 1,
                                                      plan=[*COURSE[:22], ("PathwaysGenerated", "paths")])]
    events.append(CourseDeleted(course_id="gone", actor="alice", payload={}))
    messages = stored(events)
    for batches in ([[m] for m in messages], [messages[:-1], messages[-1:]]):
        rows = await project(pool, batches)
        left = {table: found for table, found in rows.items() if found and table not in (
            "deleted_courses", "projection_checkpoint", "run_spend")}
        assert left == {}, "a deleted course left rows behind"
    live = await project(pool, [[m] for m in messages[:-1]])
    assert live["repository_files"] and live["analyzed_documents"] and live["module_documents"]
    assert len(live["module_documents"]) == len(set(live["module_documents"])), "a plan made again kept the old one's"
