"""What every stage's commands share: the two refusals they answer with, and the rules of a run
(one at a time, retried only once failed or cancelled, cancelled only while running, timed out by
the watchdog). Each stage's own rules are in stage1.py … stage4.py. Pure."""
from __future__ import annotations

from typing import TypeVar

from shared.events import Event, new_task_id
from shared.events.catalogue import StageCancelled, StageFailed
from shared.stage.runs import CANCELLED, FAILURE, StageRun

from .course import CourseState, require_visible


Command = TypeVar("Command", bound=Event)


def request_run(command: type[Command], state: CourseState, user_id: str, **payload) -> Command:
    """A new run of a stage: its request command with a new task id, which is also the
    correlation_id every event of the run carries (docs/subscribing.md, shared/events/correlation.py)."""
    task_id = new_task_id()
    return command(course_id=state.course_id, actor=user_id, correlation_id=task_id,
                   payload={"task_id": task_id, **payload})


class StageConflict(RuntimeError):
    """The course's state does not allow the command; the message says why (409)."""


class InvalidSelection(ValueError):
    """A selection entry that is not among what the course offers (422); names the entry."""


def _spoken(stage: str) -> str:
    """'stage2' as people read it in a message: 'stage 2'."""
    return stage.replace("stage", "stage ", 1)


def require_idle(state: CourseState, stage: str) -> None:
    """A stage runs once at a time: a new run waits until the current one has finished. While the
    course is being refreshed, its refresh alone starts stages (domain/refresh.py)."""
    if state.refreshing is not None:
        raise StageConflict(f"the course is being refreshed (refresh {state.refreshing}); wait for the "
                            "refresh to end, or cancel the stage it is running")
    run = state.runs.get(stage)
    if run is not None and run.running:
        raise StageConflict(f"{_spoken(stage)} is already running (task {run.task_id}); wait for it or cancel it")


def retryable_run(state: CourseState, stage: str) -> StageRun:
    """The run a retry repeats: only a failed or cancelled one (a running one is cancelled first)."""
    run = state.runs.get(stage)
    if run is None or run.status not in (FAILURE, CANCELLED):
        status = "has not run" if run is None else f"is {run.status}"
        raise StageConflict(f"{_spoken(stage)} {status}; only a failed or cancelled stage can be retried")
    return run


def cancel_stage(state: CourseState, user_id: str, is_admin: bool, stage: str) -> StageCancelled:
    require_visible(state, user_id, is_admin)
    run = state.runs.get(stage)
    if run is None or not run.running:
        status = "has not run" if run is None else f"is {run.status}"
        raise StageConflict(f"{stage} {status}; only a running stage can be cancelled")
    return StageCancelled(course_id=state.course_id, actor=user_id, causation_id=run.request.event_id,
                          correlation_id=run.request.correlation_id,
                          payload={"stage": stage, "task_id": run.task_id, "reason": f"cancelled by {user_id}"})


def time_out_stage(state: CourseState, stage: str, task_id: str, silent_seconds: float) -> StageFailed:
    """The watchdog's decision: fail a run that has said nothing for too long, if it still runs."""
    run = state.runs.get(stage)
    if not state.exists or run is None or run.task_id != task_id or not run.running:
        raise StageConflict(f"{stage} run {task_id} is no longer running")
    minutes = max(1, round(silent_seconds / 60))
    return StageFailed(course_id=state.course_id, actor="watchdog", causation_id=run.request.event_id,
                       correlation_id=run.request.correlation_id,
                       payload={"stage": stage, "task_id": task_id, "error_message":
                                f"{stage} timed out: no progress for {minutes} minute(s) (is its service "
                                "running?); retry the stage"})
