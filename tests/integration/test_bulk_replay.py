"""The bulk rebuild (services/gateway/projection/bulk_*.py) gives the very rows the SQL handlers
give: on generated logs of several interleaved courses with every event type (arbitrary events and
poison messages among them), folded in this process or in worker processes, read back from a real
nats-server and loaded into real PostgreSQL; and a log it cannot be sure of is replayed through
the handlers instead, with the same result."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from types import SimpleNamespace

import asyncpg
import psutil
import pytest
from hypothesis import HealthCheck, event as note, given, settings, strategies as st

from bench.events import course_template
from services.gateway.projection.fold import Fold, NotBulkable
from services.gateway.projection.bulk_replay import bulk_build, copy_on_pool, fold_log, load
from services.gateway.projection.bulk_workers import FoldWorkers
from services.gateway.projection.log_reader import read_range
from services.gateway.projection.projector import apply_batch, ensure_schema
from services.gateway.projection.replay import replay
from shared.events import CATALOGUE, subject_for
from shared.events.catalogue import (
    CourseCreated, PathwayModulesListed, PathwaysGenerated, PathwaysRequested, StageStarted,
)
from shared.pathway_parts import split_modules
from tests.support.course_histories import histories
from tests.support.delivered import delivered
from tests.support.event_strategies import model
from tests.support.read_tables import read_tables

ANY_EVENT = st.one_of([model(cls) for cls in CATALOGUE])


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


async def whole_log() -> int:
    return 1


def as_delivered(messages: list[tuple[int, str, bytes]]) -> list[SimpleNamespace]:
    return [delivered(seq, subject, data) for seq, subject, data in messages]


async def through_handlers(pool: asyncpg.Pool, messages: list[tuple[int, str, bytes]]) -> dict:
    schema = f"h_{uuid.uuid4().hex[:12]}"
    await ensure_schema(pool, schema)
    async with pool.acquire() as conn, conn.transaction():
        await apply_batch(conn, schema, as_delivered(messages), whole_log)
    return await read_tables(pool, schema)


async def through_bulk(pool: asyncpg.Pool, tables: dict, position: int) -> dict:
    schema = f"b_{uuid.uuid4().hex[:12]}"
    await ensure_schema(pool, schema)
    # Small COPYs over two connections: the rows of one table arrive in several pieces at once.
    await load(pool, schema, position, lambda loaded: copy_on_pool(pool, schema, tables, connections=2, chunk=3, loaded=loaded))
    return await read_tables(pool, schema)


@st.composite
def interleaved_logs(draw) -> list[tuple[int, str, bytes]]:
    """Two or three courses' histories interleaved (each in its own order), with arbitrary events
    of any type and undecodable messages here and there."""
    courses = [draw(histories(f"c{i}")) for i in range(draw(st.integers(2, 3)))]
    extras = draw(st.lists(ANY_EVENT, max_size=3))
    streams = [list(h) for h in courses] + [[e] for e in extras]
    log = []
    while any(streams):
        pick = draw(st.sampled_from([s for s in streams if s]))
        event = pick.pop(0)
        log.append((subject_for(event), event.to_json()))
    if draw(st.booleans()):
        log.insert(draw(st.integers(0, len(log))), ("course.c0.DocAnalysed", b"{not json"))
    return [(seq, subject, data) for seq, (subject, data) in enumerate(log, start=1)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(messages=interleaved_logs())
async def test_the_fold_loaded_with_copy_equals_the_handlers(pool, messages):
    fold = Fold()
    try:
        for m in messages:
            fold.add(*m)
    except NotBulkable as exc:  # replay then goes through the handlers: checked below, by name
        note(f"not bulkable: {type(exc).__name__}")
        return
    expected = await through_handlers(pool, messages)
    assert expected["projection_checkpoint"] == [(1, len(messages))]
    assert await through_bulk(pool, fold.tables(), fold.position) == expected


def realistic_log(courses: int) -> list[tuple[int, str, bytes]]:
    template = course_template()
    found = [(subject, data) for n in range(courses) for subject, data, _ in template.course(n)]
    return [(seq, subject, data) for seq, (subject, data) in enumerate(found, start=1)]


async def test_worker_processes_fold_the_same_rows_as_one(pool):
    messages = realistic_log(12)
    fold = Fold()
    for m in messages:
        fold.add(*m)
    workers = FoldWorkers(2)
    try:
        for start in range(0, len(messages), 500):
            await workers.feed([SimpleNamespace(seq=s, subject=j, data=d) for s, j, d in messages[start:start + 500]])
        position, tables = await workers.finish()
    finally:
        workers.close()
    assert position == len(messages)
    alone = fold.tables()
    assert {t: sorted(rows, key=repr) for t, rows in tables.items()} == \
        {t: sorted(rows, key=repr) for t, rows in alone.items()}
    assert len(alone["repository_files"]) == 12 * 400, "every course's files are there"
    assert await through_bulk(pool, tables, position) == await through_handlers(pool, messages)


async def test_a_folding_worker_that_dies_fails_the_fold_and_the_others_are_let_go():
    messages = realistic_log(6)
    workers = FoldWorkers(2)
    try:
        folding = [p for p in psutil.Process().children() if "bulk_workers" in " ".join(p.cmdline())]
        assert len(folding) == 2
        folding[0].kill()
        with pytest.raises((OSError, EOFError)):  # what bulk_build takes for a worker gone
            for start in range(0, len(messages), 100):
                await workers.feed([SimpleNamespace(seq=s, subject=j, data=d) for s, j, d in messages[start:start + 100]])
            await workers.folded()
    finally:
        workers.close()
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in folding)


async def publish(js, messages: list[tuple[int, str, bytes]]) -> int:
    for _, subject, data in messages:
        ack = await js.publish(subject, data, stream="COURSES")
    return ack.seq


@pytest.mark.parametrize("loaded_by", ["this process", "the workers"])
async def test_a_log_read_from_nats_and_folded_by_workers_equals_the_handlers(js, pool, database_url, loaded_by):
    messages = realistic_log(6)
    last = await publish(js, messages)
    read = [(m.seq, m.subject, m.data) async for batch in read_range(js, "COURSES", 1, last) for m in batch]
    assert read == messages, "the reader gives back the log whole and in order"
    schema = "bulk_built"
    await ensure_schema(pool, schema)
    times = await bulk_build(js, pool, "COURSES", schema, last, workers=2,
                             database_url=database_url if loaded_by == "the workers" else None)
    assert times is not None and times.events == last and times.workers == 2
    assert await read_tables(pool, schema) == await through_handlers(pool, messages)


def stage3_log(in_parts: bool) -> list[tuple[int, str, bytes]]:
    """A course's stage 3 run, its plan inline or announced in parts (shared/pathway_parts.py)."""
    pathways = [{"pathway_id": f"{n:020x}", "title": f"P{n}", "modules": [
        {"module_id": f"{n:020x}-{m:02d}", "title": f"M{m}", "estimated_minutes": 5,
         "documents": [f"docs/{n}/{m}/{d}.md" for d in range(5)]} for m in range(6)]} for n in range(2)]
    events = [CourseCreated(course_id="c", actor="a", payload={"owner_id": "a", "title": "t"}),
              PathwaysRequested(course_id="c", actor="a", payload={"task_id": "t3"}),
              StageStarted(course_id="c", actor="w", payload={"stage": "stage3", "task_id": "t3"})]
    parts = split_modules(pathways, 500) if in_parts else []
    events += [PathwayModulesListed(course_id="c", actor="w", payload={"task_id": "t3", **part}) for part in parts]
    events.append(PathwaysGenerated(course_id="c", actor="w", payload={
        "task_id": "t3", "module_parts": len(parts),
        "pathways": [{**w, "modules": []} for w in pathways] if parts else pathways}))
    at = datetime(2026, 1, 2, tzinfo=timezone.utc)
    return [(seq, subject_for(e), e.model_copy(update={"occurred_at": at}).to_json())
            for seq, e in enumerate(events, start=1)]


async def test_a_plan_in_parts_makes_the_rows_of_the_same_plan_inline_live_and_in_a_rebuild(pool):
    inline, in_parts = stage3_log(in_parts=False), stage3_log(in_parts=True)
    assert len(in_parts) > len(inline) + 2
    expected = await through_handlers(pool, inline)
    live = await through_handlers(pool, in_parts)
    unmoved = [t for t in expected if t != "projection_checkpoint"]
    assert {t: live[t] for t in unmoved} == {t: expected[t] for t in unmoved}
    assert len(live["module_documents"]) == 2 * 6 * 5 and not live["pathway_module_parts"]
    fold = Fold()
    for m in in_parts:
        fold.add(*m)
    assert await through_bulk(pool, fold.tables(), fold.position) == live


def shared_pathway_log() -> list:
    """Two courses whose stage 3 results name the same pathway id: which course keeps it depends
    on the order of the courses' events, so the fold refuses the log."""
    events = []
    for course in ("left", "right"):
        events.append(CourseCreated(course_id=course, actor="a", payload={"owner_id": "a", "title": "t"}))
        events.append(PathwaysRequested(course_id=course, actor="a", payload={"task_id": f"{course}-t3"}))
        events.append(StageStarted(course_id=course, actor="w", payload={"stage": "stage3", "task_id": f"{course}-t3"}))
        events.append(PathwaysGenerated(course_id=course, actor="w", payload={"task_id": f"{course}-t3", "pathways": [
            {"pathway_id": "the-same", "title": "p", "modules": []}]}))
    return events


@pytest.mark.parametrize("case", ["shared pathway id", "NUL character"])
async def test_a_log_the_fold_is_unsure_of_is_replayed_through_the_handlers(js, pool, case):
    events = shared_pathway_log() if case == "shared pathway id" else [
        CourseCreated(course_id="nul", actor="a", payload={"owner_id": "a", "title": "a\x00b"})]
    messages = [(seq, subject_for(e), e.to_json()) for seq, e in enumerate(events, start=1)]
    last = await publish(js, messages)
    with pytest.raises(NotBulkable):
        await fold_log(js, "COURSES", last, workers=0)
    live = await through_handlers(pool, messages)  # its own fresh schema: the live read model
    assert live["projection_rejects"], "the handlers set the event aside"
    schema = next(s for s in await pool.fetch("SELECT nspname FROM pg_namespace") if s[0].startswith("h_"))[0]
    await replay(js, pool, schema, "COURSES")
    assert await read_tables(pool, schema) == live


async def test_a_rebuild_that_fails_leaves_no_half_built_schema_behind(js, pool):
    await ensure_schema(pool, "live_tables")
    with pytest.raises(Exception):
        await replay(js, pool, "live_tables", "NO_SUCH_STREAM")
    left = [r[0] for r in await pool.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'live_tables%'")]
    assert left == ["live_tables"], left
