"""Forking a course: may the caller fork it from that stage, and the fork's first event. Pure.

A fork starts with its source's history up to the end of `from_stage` (shared/forks.py), as it
stands now: `up_to_seq` is the source's last sequence when the fork is decided, so whatever the
source does afterwards stays its own. The stage forked from must have succeeded last, and no stage
up to it may be running: a run cut off in the middle would stay running in the fork for ever, and
nothing would ever end it there (its service works for the source)."""
from __future__ import annotations

from typing import Iterable

from shared.events import Event
from shared.events.catalogue import CourseForked, RepoCloned
from shared.forks import MAX_FORK_DEPTH, STAGES
from shared.stage.runs import SUCCESS

from .course import CourseState, require_visible
from .runs import StageConflict

FORK_MARK = " (fork)"
TITLE_LENGTH = 200


def _spoken(stage: str) -> str:
    return stage.replace("stage", "stage ", 1)


def fork_course(source: CourseState, up_to_seq: int, source_forks: int, fork_id: str, user_id: str,
                is_admin: bool, from_stage: str, title: str | None = None) -> CourseForked:
    """The fork's CourseForked: owned by the caller, titled `title` or after its source.
    `source_forks` is how many forks deep the source's own history reaches."""
    require_visible(source, user_id, is_admin)
    if source.refreshing is not None:
        raise StageConflict(f"the course is being refreshed (refresh {source.refreshing}); fork it once "
                            "the refresh has ended")
    run = source.runs.get(from_stage)
    if run is None or run.status != SUCCESS:
        status = "has not run" if run is None else f"is {run.status}"
        raise StageConflict(f"{_spoken(from_stage)} {status}; a course is forked from a stage whose last "
                            "run succeeded")
    for stage in STAGES[:STAGES.index(from_stage) + 1]:
        running = source.runs.get(stage)
        if running is not None and running.running:
            raise StageConflict(f"{_spoken(stage)} is running (task {running.task_id}); fork the course once "
                                "it has finished, or cancel it")
    if source_forks >= MAX_FORK_DEPTH:
        raise StageConflict(f"the course is a fork {source_forks} forks deep, the most there may be; "
                            "fork one of the courses it was forked from instead")
    return CourseForked(
        course_id=fork_id, actor=user_id,  # no correlation_id: forking a course is no stage run
        payload={"source_course_id": source.course_id, "up_to_seq": up_to_seq, "from_stage": from_stage,
                 "owner_id": user_id, "title": title or _fork_title(source.title),
                 "description": source.description})


def _fork_title(title: str) -> str:
    return title[:TITLE_LENGTH - len(FORK_MARK)] + FORK_MARK


def inherited_snapshots(source_events: Iterable[Event]) -> list[str]:
    """The repository snapshots a fork of this history reads (every fork inherits stage 1)."""
    return sorted({e.payload.snapshot_ref for e in source_events
                   if isinstance(e, RepoCloned) and e.payload.snapshot_ref})
