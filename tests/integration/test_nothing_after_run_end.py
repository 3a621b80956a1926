"""Nothing of a run is appended after its end: a worker's progress steps race a cancel appended as
the gateway appends it (conditional on the course's history), against a real nats-server, and the
raw log shows no event of the run after its StageCancelled. Likewise after its result or failure."""
from __future__ import annotations

import asyncio
import uuid

import pytest

from shared.bus.eventstore import ConcurrencyConflict, EventStore
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseDeleted, CourseGenerationRequested, DocsAnalysisRequested, PathwaysGenerated,
    PathwaysRequested, RepoCloneRequested, StageCancelled, StageFailed,
)
from shared.stage.emitter import StageEmitter
from tests.support.run_log import after_end, raw_log
from tests.support.waiting import eventually

REQUESTS = {
    "stage1": (RepoCloneRequested, {"repo_url": "https://example.org/r.git"}),
    "stage2": (DocsAnalysisRequested, {"complexity_level": "beginner"}),
    "stage3": (PathwaysRequested, {}),
    "stage4": (CourseGenerationRequested, {"pathway_id": "p"}),
}


async def _running_course(store: EventStore, stage: str, task_id: str = "run1") -> Event:
    course_id = uuid.uuid4().hex
    await store.append(CourseCreated(course_id=course_id, actor="alice", payload={
        "owner_id": "alice", "title": "T", "description": ""}), 0)
    request_cls, payload = REQUESTS[stage]
    request = request_cls(course_id=course_id, actor="alice", payload={"task_id": task_id, **payload})
    await store.publish(request)
    return request


async def _append_as_the_gateway(store: EventStore, event: Event) -> int:
    """The gateway's way: on the course's whole history, again while someone appended meanwhile."""
    while True:
        history = await store.load(event.course_id)
        try:
            return (await store.append(event, history.last_seq)).stream_seq
        except ConcurrencyConflict:
            continue


@pytest.mark.parametrize("stage", sorted(REQUESTS))
async def test_no_progress_follows_a_cancel_it_raced(stage, js):
    store = EventStore(js)
    request = await _running_course(store, stage)
    emitter = StageEmitter(EventStore(js), f"{stage}-worker", stage)
    await emitter.started(request)
    steps, cancelled = [0], asyncio.Event()

    async def worker():  # a stage busy emitting progress, never pausing to ask "still current?"
        after_cancel = 0
        while after_cancel < 20:  # it keeps going a little after the cancel is in the log
            steps[0] += 1
            await emitter.progress(request, steps[0] % 100, f"step {steps[0]}", key=f"step:{steps[0]}")
            after_cancel += cancelled.is_set()

    working = asyncio.create_task(worker())
    await eventually(lambda: steps[0] >= 10, message="the worker emitting progress")
    # Published as it comes (the gateway's append is conditional too, which only narrows the race).
    await store.publish(StageCancelled(course_id=request.course_id, actor="alice", causation_id=request.event_id,
                                       payload={"stage": stage, "task_id": "run1", "reason": "by alice"}))
    cancelled.set()
    await working
    assert after_end(await raw_log(js, request.course_id), "StageCancelled", "run1") == []


async def test_a_run_ends_with_its_result_and_its_failure(js):
    store = EventStore(js)
    request = await _running_course(store, "stage3")
    emitter = StageEmitter(EventStore(js), "pathway", "stage3")
    assert await emitter.progress(request, 50, "halfway")
    assert await emitter.emit(request, PathwaysGenerated, "generated", task_id="run1", pathways=[])
    assert not await emitter.progress(request, 99, "late")
    assert not await emitter.failed(request, "too late to fail")
    assert after_end(await raw_log(js, request.course_id), "PathwaysGenerated", "run1") == []

    # A watchdog's failure, appended by another writer, ends the run for a fresh emitter too.
    other = await _running_course(store, "stage2")
    await _append_as_the_gateway(store, StageFailed(course_id=other.course_id, actor="watchdog", payload={
        "stage": "stage2", "task_id": "run1", "error_message": "timed out"}))
    assert not await StageEmitter(EventStore(js), "doc_analyser", "stage2").progress(other, 10, "late")
    assert after_end(await raw_log(js, other.course_id), "StageFailed", "run1") == []


async def test_other_writers_do_not_stop_a_running_run(js):
    """Another run's cancel, another stage's events, in between: the run's steps are all kept."""
    store = EventStore(js)
    request = await _running_course(store, "stage1")
    emitter = StageEmitter(EventStore(js), "repo_clone", "stage1")
    assert await emitter.progress(request, 10, "one")
    await _append_as_the_gateway(store, StageCancelled(course_id=request.course_id, actor="alice", payload={
        "stage": "stage1", "task_id": "an-earlier-run"}))
    await store.publish(PathwaysRequested(course_id=request.course_id, actor="alice", payload={"task_id": "p"}))
    assert await emitter.progress(request, 20, "two")
    assert await emitter.progress(request, 30, "three")
    await _append_as_the_gateway(store, CourseDeleted(course_id=request.course_id, actor="alice", payload={}))
    assert not await emitter.progress(request, 40, "four")
