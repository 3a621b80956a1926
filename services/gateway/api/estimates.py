"""What stage 2 and stage 4 would cost if started now: documents or modules, tokens in and out,
cache hits, list price, for the provider and model the stage services are configured with."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Annotated

from fastapi import APIRouter, Query

from shared.llm.estimates import Estimate, estimate_stage2, estimate_stage4
from shared.text import CleanText
from shared.vocabulary import Complexity

from ..domain.course import fold, require_visible
from ..domain.estimates import CACHE_RULE, NO_CACHE, AnalysisSettings, model_history, stage2_work, stage4_work
from .course_access import CourseId, visible_course
from .deps import ContainerDep, PrincipalDep

router = APIRouter(prefix="/api/courses", tags=["estimates"])


@dataclass(frozen=True, kw_only=True)
class EstimateAnswer(Estimate):
    """The estimate with what it is of; its fields are the OpenAPI schema of both answers."""
    stage: str
    unit: str
    cache_rule: str


@router.get("/{course_id}/stage2/estimate", response_model=EstimateAnswer)
async def stage2_estimate(
    course_id: CourseId, c: ContainerDep, who: PrincipalDep,
    complexity_level: Complexity = "intermediate",
    additional_info: Annotated[CleanText, Query(max_length=5000)] = "",
):
    """As `POST analyze-documents` with the same complexity_level and additional_info would run.
    Without a history of the model, a range: `high` holds its upper end (null otherwise)."""
    state, events = await _course(c, who, course_id)
    s = c.settings
    work = stage2_work(state, events, AnalysisSettings(s.llm_provider, s.llm_model, complexity_level,
                                                       additional_info))
    # This course's own earlier runs of the model first; else every course's (their last runs).
    history = model_history(events, s.llm_provider, s.llm_model)
    if not history.usable:
        history = await c.stages.model_history(s.llm_provider, s.llm_model)
    estimate = estimate_stage2(work.sizes, s.llm_provider, s.llm_model, work.cached, history,
                               s.model_limits.max_output_tokens, s.document_attempts)
    return _answer("stage2", "documents", estimate, CACHE_RULE)


@router.get("/{course_id}/stage4/estimate", response_model=EstimateAnswer)
async def stage4_estimate(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    state, events = await _course(c, who, course_id)
    s = c.settings
    modules = stage4_work(state, events)
    estimate = estimate_stage4(modules, s.llm_provider, s.llm_model, s.model_limits.context_tokens)
    return _answer("stage4", "modules", estimate, NO_CACHE)


async def _course(c, who, course_id: str):
    await visible_course(c, who, course_id)
    events = (await c.histories.load(course_id)).events
    state = fold(course_id, events)
    require_visible(state, who.user_id, who.is_admin)
    return state, events


def _answer(stage: str, unit: str, estimate: Estimate, cache_rule: str) -> EstimateAnswer:
    return EstimateAnswer(**{f.name: getattr(estimate, f.name) for f in fields(estimate)},
                          stage=stage, unit=unit, cache_rule=cache_rule)
