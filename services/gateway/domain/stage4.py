"""Stage 4 decisions: generate the course from the selected pathway, retry. Pure."""
from __future__ import annotations

import uuid

from shared.events.catalogue import CourseGenerationRequested
from shared.stage.runs import CANCELLED, FAILURE

from .course import CourseState
from .stage1 import StageConflict, _visible

STAGE = "stage4"


def start_generation(state: CourseState, user_id: str, is_admin: bool,
                     retry_of: str | None = None) -> CourseGenerationRequested:
    _visible(state, user_id, is_admin)
    if not state.current_pathways():
        raise StageConflict("stage 3 has not produced pathways: generate pathways and select one first")
    if state.selected_pathway is None:
        raise StageConflict("no pathway is selected: POST stage3-selections with selected_pathway_id first")
    run = state.runs.get(STAGE)
    if run is not None and run.running:
        raise StageConflict(f"stage 4 is already running (task {run.task_id}); wait for it or cancel it")
    return CourseGenerationRequested(
        course_id=state.course_id, actor=user_id, correlation_id=str(uuid.uuid4()),
        payload={"task_id": uuid.uuid4().hex, "pathway_id": state.selected_pathway, "retry_of": retry_of})


def retry_generation(state: CourseState, user_id: str, is_admin: bool) -> CourseGenerationRequested:
    _visible(state, user_id, is_admin)
    run = state.runs.get(STAGE)
    if run is None or run.status not in (FAILURE, CANCELLED):
        status = "has not run" if run is None else f"is {run.status}"
        raise StageConflict(f"stage 4 {status}; only a failed or cancelled stage can be retried")
    return start_generation(state, user_id, is_admin, retry_of=run.task_id)
