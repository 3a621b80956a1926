"""Ask the course's history as the read tables hold it (tutor_answers): each answer a row of its
asker's, a model's answer charged to the course's owner like a stage run (run_spend), clearing a
history removing only that asker's rows — the same whether the live projector applies the events
or a rebuild folds them."""
from __future__ import annotations

import uuid

import asyncpg
import pytest

from services.gateway.projection.bulk_replay import copy_on_pool, load
from services.gateway.projection.fold import Fold
from services.gateway.projection.projector import apply_batch, ensure_schema
from shared.events import subject_for
from shared.events.catalogue import CourseCreated, TutorAnswered, TutorHistoryCleared
from tests.support.delivered import delivered
from tests.support.read_tables import read_tables


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


def answered(course: str, asker: str, ask_id: str, usage: dict | None = None) -> TutorAnswered:
    return TutorAnswered(course_id=course, actor=asker, payload={
        "ask_id": ask_id, "user_id": asker, "question": f"question {ask_id}?", "answer": f"answer {ask_id}",
        "covered": True, "engine": "model" if usage else "extractive", "usage": usage,
        "citations": [{"path": "docs/a.md", "heading": "A", "start_line": 3, "end_line": 9}]})


async def test_answers_are_their_askers_rows_a_model_answer_is_charged_and_clearing_forgets_one_asker(pool):
    priced = {"provider": "anthropic", "model": "claude-sonnet-4-5", "input_tokens": 2000, "output_tokens": 300,
              "calls": 1}
    events = [CourseCreated(course_id="c1", actor="alice", payload={"owner_id": "alice", "title": "t"}),
              answered("c1", "alice", "a1"), answered("c1", "bob", "b1", priced), answered("c1", "bob", "b2"),
              answered("c1", "alice", "a1"),  # a resend: one row
              TutorHistoryCleared(course_id="c1", actor="bob", payload={"user_id": "bob"}),
              answered("c1", "bob", "b3")]
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
    assert by_fold["tutor_answers"] == by_handlers["tutor_answers"]
    assert by_fold["run_spend"] == by_handlers["run_spend"]
    assert sorted((row[1], row[2]) for row in by_handlers["tutor_answers"]) == [("a1", "alice"), ("b3", "bob")]
    spend = by_handlers["run_spend"]
    assert [(row[0], row[1], row[2], row[3]) for row in spend] == [("c1", "ask", "b1", "alice")], \
        "a model's answer is charged to the course's owner, and stays charged when the history is cleared"
    assert spend[0][4] > 0
