"""The spend ledger (run_spend) as the live projection writes it and as the bulk rebuild folds it:
the same rows, a deleted course's spend kept, nothing for the offline engine."""
from __future__ import annotations

import uuid

import asyncpg
import pytest

from services.gateway.projection.fold import Fold
from services.gateway.projection.bulk_replay import copy_on_pool, load
from services.gateway.projection.projector import apply_batch, ensure_schema
from shared.events import subject_for
from shared.events.catalogue import (
    CourseCreated, CourseDeleted, DocsAnalysed, DocsAnalysisRequested, StageStarted,
)
from tests.support.delivered import delivered
from tests.support.read_tables import read_tables


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


def analysed_course(course: str, owner: str, model: str, provider: str = "anthropic") -> list:
    usage = {"provider": provider, "model": model, "input_tokens": 1000, "output_tokens": 500, "calls": 2}
    return [
        CourseCreated(course_id=course, actor=owner, payload={"owner_id": owner, "title": "t"}),
        DocsAnalysisRequested(course_id=course, actor=owner, payload={"task_id": f"{course}-t2",
                                                                      "complexity_level": "beginner"}),
        StageStarted(course_id=course, actor="w", payload={"stage": "stage2", "task_id": f"{course}-t2"}),
        DocsAnalysed(course_id=course, actor="w", payload={"task_id": f"{course}-t2", "document_count": 1,
                                                           "usage": usage}),
    ]


async def test_the_fold_and_the_handlers_keep_the_same_spend_ledger(pool):
    events = [*analysed_course("kept", "alice", "claude-sonnet-4-5"),
              *analysed_course("gone", "alice", "gpt-4o"),
              CourseDeleted(course_id="gone", actor="alice", payload={}),
              *analysed_course("free", "bob", "offline-engine", provider="offline")]
    messages = [(seq, subject_for(e), e.to_json()) for seq, e in enumerate(events, start=1)]

    live = f"h_{uuid.uuid4().hex[:12]}"
    await ensure_schema(pool, live)
    async with pool.acquire() as conn, conn.transaction():
        async def whole_log() -> int:
            return 1
        await apply_batch(conn, live, [delivered(*m) for m in messages], whole_log)
    fold = Fold()
    for m in messages:
        fold.add(*m)
    bulk = f"b_{uuid.uuid4().hex[:12]}"
    await ensure_schema(pool, bulk)
    await load(pool, bulk, fold.position, lambda loaded: copy_on_pool(pool, bulk, fold.tables(), connections=1, chunk=10, loaded=loaded))

    by_handlers, by_fold = await read_tables(pool, live), await read_tables(pool, bulk)
    assert by_fold["run_spend"] == by_handlers["run_spend"]
    charged = {(row[0], row[3]) for row in by_handlers["run_spend"]}
    assert charged == {("kept", "alice"), ("gone", "alice")}, "a deleted course's spend stays; offline costs 0"
    assert all(row[4] > 0 for row in by_handlers["run_spend"])
