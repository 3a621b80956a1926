"""A course's stage runs, folded from its events. Pure: used by the gateway to decide
commands and by stage services to notice a cancelled run."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from shared.events import Event
from shared.events.catalogue import (
    CourseGenerated, CourseGenerationRequested, DocsAnalysed, DocsAnalysisRequested,
    PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested, StageCancelled,
    StageFailed, StageProgressed, StageStarted,
)

PENDING, STARTED, SUCCESS, FAILURE, RETRY, CANCELLED = (
    "PENDING", "STARTED", "SUCCESS", "FAILURE", "RETRY", "CANCELLED")
RUNNING = (PENDING, STARTED, RETRY)
REQUESTS = {RepoCloneRequested: "stage1", DocsAnalysisRequested: "stage2",
            PathwaysRequested: "stage3", CourseGenerationRequested: "stage4"}
RESULTS = {RepoCloned: "stage1", DocsAnalysed: "stage2", PathwaysGenerated: "stage3",
           CourseGenerated: "stage4"}


@dataclass(frozen=True)
class StageRun:
    stage: str
    task_id: str
    status: str
    request: Event
    progress_percentage: int = 0
    current_step: str = "Waiting for a worker"
    error_message: str | None = None
    earlier_tasks: frozenset[str] = frozenset()  # runs of this stage that came before

    @property
    def running(self) -> bool:
        return self.status in RUNNING


def evolve_runs(runs: dict[str, StageRun], event: Event) -> dict[str, StageRun]:
    """The runs after `event`; events of an older run of a stage are ignored."""
    stage = REQUESTS.get(type(event))
    if stage is not None:
        previous = runs.get(stage)
        if previous is not None and event.payload.task_id in previous.earlier_tasks | {previous.task_id}:
            return runs  # a request seen before (a duplicate, a retried dead letter) reopens nothing
        earlier = previous.earlier_tasks | {previous.task_id} if previous else frozenset()
        return {**runs, stage: StageRun(stage, event.payload.task_id, PENDING, event, earlier_tasks=earlier)}
    stage = RESULTS.get(type(event)) or getattr(event.payload, "stage", None)
    run = runs.get(stage) if stage else None
    if run is None or getattr(event.payload, "task_id", None) != run.task_id:
        return runs
    return {**runs, stage: _advance(run, event)}


def _advance(run: StageRun, event: Event) -> StageRun:
    if run.status in (SUCCESS, FAILURE, CANCELLED):
        return run  # a finished run stays finished, whatever a late worker says
    if isinstance(event, StageStarted):
        return replace(run, status=STARTED, current_step="Started")
    if isinstance(event, StageProgressed):
        return replace(run, status=STARTED, progress_percentage=event.payload.progress_percentage,
                       current_step=event.payload.current_step)
    if isinstance(event, StageFailed):
        return replace(run, status=FAILURE, error_message=event.payload.error_message,
                       current_step="Failed")
    if isinstance(event, StageCancelled):
        return replace(run, status=CANCELLED, current_step="Cancelled")
    if type(event) in RESULTS:
        return replace(run, status=SUCCESS, progress_percentage=100, current_step="Complete")
    return run


def fold_runs(events: Iterable[Event]) -> dict[str, StageRun]:
    runs: dict[str, StageRun] = {}
    for event in events:
        runs = evolve_runs(runs, event)
    return runs
