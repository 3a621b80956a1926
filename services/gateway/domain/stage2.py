"""Stage 2 decisions: start, retry a document analysis. Pure."""
from __future__ import annotations

from shared.events.catalogue import DocsAnalysisRequested

from .course import CourseState, require_visible
from .runs import StageConflict, request_run, require_idle, retryable_run

STAGE = "stage2"


def _stage1_ready(state: CourseState) -> str:
    """The stage 1 run stage 2 builds on; StageConflict says what must happen first."""
    clone = state.runs.get("stage1")
    if clone is None:
        raise StageConflict("stage 1 has not run: analyse the repository first (POST analyze-repository)")
    if clone.status != "SUCCESS":
        raise StageConflict(f"stage 1 is {clone.status}; stage 2 can start once the repository is scanned")
    if state.current_selection() is None:
        raise StageConflict("no folders are selected on the current scan: "
                            "POST stage1-selections before analysing documents")
    return clone.task_id


def start_analysis(state: CourseState, user_id: str, is_admin: bool, complexity_level: str,
                   additional_info: str, retry_of: str | None = None,
                   budget_usd: float | None = None) -> DocsAnalysisRequested:
    require_visible(state, user_id, is_admin)
    clone_task = _stage1_ready(state)
    require_idle(state, STAGE)
    return request_run(DocsAnalysisRequested, state, user_id, complexity_level=complexity_level,
                       additional_info=additional_info, clone_task_id=clone_task, retry_of=retry_of,
                       budget_usd=budget_usd)


def retry_analysis(state: CourseState, user_id: str, is_admin: bool,
                   budget_usd: float | None = None) -> DocsAnalysisRequested:
    """The failed or cancelled run again, with its settings; a new budget replaces its budget."""
    require_visible(state, user_id, is_admin)
    run = retryable_run(state, STAGE)
    p = run.request.payload
    return start_analysis(state, user_id, is_admin, p.complexity_level, p.additional_info, retry_of=run.task_id,
                          budget_usd=p.budget_usd if budget_usd is None else budget_usd)
