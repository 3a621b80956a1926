"""The rules every stage's run follows, the same for stages 1 to 4 (services/gateway/domain/runs.py):
one run at a time, a retry only of a failed or cancelled run, a cancel only of a running one, a
time-out only of the run the watchdog names; every event of a run correlated by its task id.
Pure, no I/O."""
from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from services.gateway.domain.course import CourseNotFound, create_course, fold
from services.gateway.domain.runs import (
    StageConflict, cancel_stage, request_run, require_idle, retryable_run, time_out_stage,
)
from shared.events import correlation_for
from shared.events.catalogue import (
    CourseGenerationRequested, DocsAnalysisRequested, PathwaysRequested, RepoCloneRequested, StageCancelled,
    StageFailed,
)
from shared.stage.runs import CANCELLED, FAILURE, PENDING, SUCCESS

COURSE = "c1"
REQUESTS = {
    "stage1": (RepoCloneRequested, {"repo_url": "https://example.com/r.git"}),
    "stage2": (DocsAnalysisRequested, {"complexity_level": "beginner", "clone_task_id": "c"}),
    "stage3": (PathwaysRequested, {"analysis_task_id": "a"}),
    "stage4": (CourseGenerationRequested, {"pathway_id": "p"}),
}
STAGES = sorted(REQUESTS)


def requested(stage: str, task: str = "t1"):
    """Alice's course with `stage` requested once: its run is pending."""
    cls, payload = REQUESTS[stage]
    request = cls(course_id=COURSE, actor="alice", payload={"task_id": task, **payload})
    return fold(COURSE, [create_course(COURSE, "alice", "Title", ""), request]), request


def finished(stage: str, status: str):
    state, _ = requested(stage)
    return replace(state, runs={stage: replace(state.runs[stage], status=status)})


@pytest.mark.parametrize("stage", STAGES)
def test_a_running_stage_cannot_start_again_and_names_its_task(stage):
    state, _ = requested(stage)
    assert state.runs[stage].status == PENDING
    number = stage[-1]
    with pytest.raises(StageConflict, match=rf"^stage {number} is already running \(task t1\); wait for it"):
        require_idle(state, stage)
    for status in (SUCCESS, FAILURE, CANCELLED):
        require_idle(finished(stage, status), stage)  # a finished run leaves room for the next


@pytest.mark.parametrize("stage", STAGES)
def test_only_a_failed_or_cancelled_run_is_retried(stage):
    number = stage[-1]
    with pytest.raises(StageConflict, match=rf"^stage {number} has not run; only a failed or cancelled"):
        retryable_run(fold(COURSE, [create_course(COURSE, "alice", "Title", "")]), stage)
    for status in (PENDING, SUCCESS):
        state = finished(stage, status)
        with pytest.raises(StageConflict, match=rf"^stage {number} is {status}; only a failed or cancelled"):
            retryable_run(state, stage)
    for status in (FAILURE, CANCELLED):
        assert retryable_run(finished(stage, status), stage).task_id == "t1"


@pytest.mark.parametrize("stage", STAGES)
def test_cancel_stops_the_running_run_only_and_only_for_who_may_see_the_course(stage):
    state, request = requested(stage)
    with pytest.raises(CourseNotFound):
        cancel_stage(state, "mallory", False, stage)
    cancelled = cancel_stage(state, "alice", False, stage)
    assert isinstance(cancelled, StageCancelled)
    assert (cancelled.payload.stage, cancelled.payload.task_id) == (stage, "t1")
    assert (cancelled.causation_id, cancelled.correlation_id) == (request.event_id, request.correlation_id)
    assert cancel_stage(state, "root", True, stage).payload.reason == "cancelled by root"
    with pytest.raises(StageConflict, match=rf"^{stage} is SUCCESS; only a running stage can be cancelled"):
        cancel_stage(finished(stage, SUCCESS), "alice", False, stage)


@pytest.mark.parametrize("stage", STAGES)
def test_the_watchdog_times_out_only_the_run_it_names_while_it_runs(stage):
    state, request = requested(stage)
    failed = time_out_stage(state, stage, "t1", silent_seconds=600)
    assert isinstance(failed, StageFailed) and failed.actor == "watchdog"
    assert failed.causation_id == request.event_id
    assert failed.payload.error_message.startswith(f"{stage} timed out: no progress for 10 minute(s)")
    with pytest.raises(StageConflict, match="no longer running"):
        time_out_stage(state, stage, "another-task", silent_seconds=600)
    with pytest.raises(StageConflict, match="no longer running"):
        time_out_stage(finished(stage, FAILURE), stage, "t1", silent_seconds=600)


@pytest.mark.parametrize("stage", STAGES)
def test_a_runs_task_id_is_the_correlation_id_of_its_request_its_cancel_and_its_time_out(stage):
    cls, payload = REQUESTS[stage]
    state = fold(COURSE, [create_course(COURSE, "alice", "Title", "")])
    first, second = request_run(cls, state, "alice", **payload), request_run(cls, state, "alice", **payload)
    task_id = first.payload.task_id
    assert task_id == str(uuid.UUID(task_id)) and task_id != second.payload.task_id  # canonical, new each run
    assert first.correlation_id == task_id == correlation_for(first)
    running = fold(COURSE, [create_course(COURSE, "alice", "Title", ""), first])
    assert cancel_stage(running, "alice", False, stage).correlation_id == task_id
    assert time_out_stage(running, stage, task_id, silent_seconds=600).correlation_id == task_id


def test_creating_a_course_belongs_to_no_run():
    created = create_course(COURSE, "alice", "Title", "")
    assert created.correlation_id is None and correlation_for(created) is None
