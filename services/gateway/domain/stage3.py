"""Stage 3 decisions: generate pathways, retry, select one. Pure."""
from __future__ import annotations

from shared.events.catalogue import PathwaySelected, PathwaysRequested

from .course import CourseState, require_visible
from .runs import InvalidSelection, StageConflict, request_run, require_idle, retryable_run

STAGE = "stage3"


def _analysis_ready(state: CourseState) -> str:
    analysis = state.runs.get("stage2")
    if analysis is None:
        raise StageConflict("stage 2 has not run: analyse the documents first (POST analyze-documents)")
    if analysis.status != "SUCCESS":
        raise StageConflict(f"stage 2 is {analysis.status}; pathways can be generated once the "
                            "documents are analysed")
    return analysis.task_id


def start_pathways(state: CourseState, user_id: str, is_admin: bool, additional_info: str,
                   pathway_count: int = 3, retry_of: str | None = None,
                   budget_usd: float | None = None) -> PathwaysRequested:
    require_visible(state, user_id, is_admin)
    analysis_task = _analysis_ready(state)
    require_idle(state, STAGE)
    return request_run(PathwaysRequested, state, user_id, additional_info=additional_info,
                       analysis_task_id=analysis_task, pathway_count=pathway_count, retry_of=retry_of,
                       budget_usd=budget_usd)


def retry_pathways(state: CourseState, user_id: str, is_admin: bool,
                   budget_usd: float | None = None) -> PathwaysRequested:
    """The failed or cancelled run again, with its settings; a new budget replaces its budget."""
    require_visible(state, user_id, is_admin)
    run = retryable_run(state, STAGE)
    p = run.request.payload
    return start_pathways(state, user_id, is_admin, p.additional_info, p.pathway_count, retry_of=run.task_id,
                          budget_usd=p.budget_usd if budget_usd is None else budget_usd)


def select_pathway(state: CourseState, user_id: str, is_admin: bool, pathway_id: str) -> PathwaySelected:
    require_visible(state, user_id, is_admin)
    pathways = state.current_pathways()
    if not pathways:
        raise StageConflict("stage 3 has not produced pathways yet; select one once it has succeeded")
    if pathway_id not in pathways:
        raise InvalidSelection(f"selected_pathway_id: {pathway_id!r} is not one of this course's pathways "
                               f"({', '.join(sorted(pathways))})")
    return PathwaySelected(course_id=state.course_id, actor=user_id, payload={"pathway_id": pathway_id})
