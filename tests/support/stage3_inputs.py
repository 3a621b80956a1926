"""A course ready for stage 3, put straight on the log: created, its documents analysed (one
`DocAnalysed` each, as stage 2 announces them), and its `PathwaysRequested` run waiting."""
from __future__ import annotations

import asyncio
import uuid

from shared.bus.eventstore import EventStore
from shared.events.catalogue import CourseCreated, DocAnalysed, PathwaysRequested

ANALYSIS_TASK = "analysis"
PUBLISHED_AT_ONCE = 500


async def course_for_stage3(store: EventStore, paths: list[str]) -> PathwaysRequested:
    """The stage 3 request of a new course whose analysed documents are `paths` (tiny ones: a title,
    one concept, a minute of reading each)."""
    course_id = uuid.uuid4().hex
    await store.publish(CourseCreated(course_id=course_id, actor="alice", payload={
        "owner_id": "alice", "title": "Many documents", "description": ""}))
    analysed = [DocAnalysed(course_id=course_id, actor="doc_analyser", payload={
        "task_id": ANALYSIS_TASK, "path": path, "title": f"Page {n}", "doc_type": "tutorial",
        "complexity_level": "beginner", "key_concepts": [f"concept {n}"], "word_count": 30,
        "content_hash": f"{n:064x}", "position": n}) for n, path in enumerate(paths)]
    for start in range(0, len(analysed), PUBLISHED_AT_ONCE):
        await asyncio.gather(*(store.publish(event) for event in analysed[start:start + PUBLISHED_AT_ONCE]))
    request = PathwaysRequested(course_id=course_id, actor="alice", payload={
        "task_id": "plan", "analysis_task_id": ANALYSIS_TASK, "pathway_count": 3})
    await store.publish(request)
    return request
