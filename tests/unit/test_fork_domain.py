"""The gateway's rule for forking a course (services/gateway/domain/fork.py): who may, from which
stage, and the fork's first event. Pure."""
from __future__ import annotations

import pytest

from services.gateway.domain.course import CourseNotFound, fold
from services.gateway.domain.fork import fork_course, inherited_snapshots
from services.gateway.domain.runs import StageConflict
from shared.events.catalogue import (
    CourseRefreshRequested, RepoCloned, RepoCloneRequested, StageCancelled,
)
from shared.forks import MAX_FORK_DEPTH, inherited
from tests.support.forking import sequenced, whole_course

HISTORY = whole_course()
FINISHED = HISTORY[:-1]  # everything before stage 2 was requested again


def decide(events=FINISHED, user="alice", admin=False, stage="stage2", title=None, forks=0):
    return fork_course(fold("source", events), len(events), forks, "fork", user, admin, stage, title)


def test_the_fork_is_the_caller_s_and_starts_from_the_source_as_it_stands():
    event = decide(title="Advanced")
    p = event.payload
    assert (event.course_id, event.actor, p.owner_id, p.title) == ("fork", "alice", "alice", "Advanced")
    assert (p.source_course_id, p.from_stage, p.up_to_seq) == ("source", "stage2", len(FINISHED))
    assert decide().payload.title == "Skyline 2 (fork)"
    long = [FINISHED[0].model_copy(update={"payload": FINISHED[0].payload.model_copy(update={"title": "x" * 200})}),
            *FINISHED[2:]]
    assert decide(events=long).payload.title == "x" * 193 + " (fork)"


def test_a_fork_s_history_folds_to_a_course_of_the_caller_with_the_stages_it_inherits():
    event = decide(user="admin", admin=True, stage="stage3")
    history = [e for _, e in inherited(sequenced(FINISHED), event)] + [event]
    state = fold("fork", history)
    assert state.exists and state.owner_id == "admin" and state.revision == 1
    assert {stage: run.status for stage, run in state.runs.items()} == {
        "stage1": "SUCCESS", "stage2": "SUCCESS", "stage3": "SUCCESS"}


def test_another_user_cannot_see_the_course_to_fork_it():
    with pytest.raises(CourseNotFound):
        decide(user="bob")
    assert decide(user="root", admin=True).payload.owner_id == "root"


def test_a_stage_that_has_not_succeeded_last_cannot_be_forked_from():
    with pytest.raises(StageConflict, match="stage 2 is PENDING"):
        decide(events=HISTORY)  # stage 2 was requested again
    with pytest.raises(StageConflict, match="stage 3 has not run"):
        decide(events=HISTORY[:HISTORY.index(next(e for e in HISTORY if e.event_type == "PathwaysRequested"))],
               stage="stage3")


def test_no_stage_up_to_it_may_be_running():
    rescan = [*FINISHED, RepoCloneRequested(course_id="source", actor="alice", payload={
        "task_id": "t1b", "repo_url": "/repo"})]
    with pytest.raises(StageConflict, match="stage 1 is running"):
        decide(events=rescan, stage="stage3")
    cancelled = [*rescan, StageCancelled(course_id="source", actor="alice", payload={
        "stage": "stage1", "task_id": "t1b"})]
    assert decide(events=cancelled, stage="stage3").payload.from_stage == "stage3"


def test_a_course_being_refreshed_or_forked_too_deep_is_not_forked():
    refreshing = [*FINISHED, CourseRefreshRequested(course_id="source", actor="alice", payload={"refresh_id": "r9"})]
    with pytest.raises(StageConflict, match="being refreshed"):
        decide(events=refreshing)
    assert decide(forks=MAX_FORK_DEPTH - 1).payload.from_stage == "stage2"
    with pytest.raises(StageConflict, match="forks deep"):
        decide(forks=MAX_FORK_DEPTH)


def test_the_fork_claims_every_snapshot_its_stage_1_runs_stored():
    assert inherited_snapshots(FINISHED) == sorted({e.payload.snapshot_ref for e in FINISHED
                                                     if isinstance(e, RepoCloned)})
