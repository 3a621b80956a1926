"""Stage 4 decisions: generate the course from the selected pathway, retry. Pure."""
from __future__ import annotations

from shared.events.catalogue import CourseGenerationRequested

from .course import CourseState, require_visible
from .runs import StageConflict, request_run, require_idle, retryable_run

STAGE = "stage4"


def start_generation(state: CourseState, user_id: str, is_admin: bool, retry_of: str | None = None,
                     budget_usd: float | None = None, reuse_from: str | None = None) -> CourseGenerationRequested:
    require_visible(state, user_id, is_admin)
    if not state.current_pathways():
        raise StageConflict("stage 3 has not produced pathways: generate pathways and select one first")
    if state.selected_pathway is None:
        raise StageConflict("no pathway is selected: POST stage3-selections with selected_pathway_id first")
    require_idle(state, STAGE)
    return request_run(CourseGenerationRequested, state, user_id, pathway_id=state.selected_pathway,
                       retry_of=retry_of, budget_usd=budget_usd, reuse_from=reuse_from)


def retry_generation(state: CourseState, user_id: str, is_admin: bool,
                     budget_usd: float | None = None) -> CourseGenerationRequested:
    """The failed or cancelled run again; a new budget replaces its budget. A refresh's run retried
    still reuses the unchanged modules of the version it started from."""
    require_visible(state, user_id, is_admin)
    run = retryable_run(state, STAGE)
    spent_cap = run.request.payload.budget_usd
    return start_generation(state, user_id, is_admin, retry_of=run.task_id,
                            budget_usd=spent_cap if budget_usd is None else budget_usd,
                            reuse_from=run.request.payload.reuse_from)
