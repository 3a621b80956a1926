"""Stage 3 endpoints: generate pathways, watch, read them, select one, cancel, retry."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.text import CleanText, clean_text

from ..domain import runs, stage3
from ..domain.quotas import capped
from ..domain.lineage import stage_marks
from .cached import cached
from .course_access import CourseId, visible_course
from .deps import ContainerDep, Offset, PrincipalDep
from .run_status import stage_status, started
from ..edge.quotas import allowed_budget
from .schemas import BudgetUsd, Spend

router = APIRouter(prefix="/api/courses", tags=["stage 3: pathways"])
# A pathway's modules grow with the documentation (about one per 45 minutes of reading), so the
# pathways answer holds a page of each pathway's modules: a course of ordinary size in one page, one
# of 20,000 documents (hundreds of modules, thousands of documents a pathway) a page at a time.
MODULES_PAGE, MODULES_PAGE_MOST = 20, 100


class GeneratePathways(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    additional_info: CleanText = Field(default="", max_length=5000)
    pathway_count: int = Field(default=3, ge=1, le=10)
    budget_usd: float | None = BudgetUsd


class PathwayChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    selected_pathway_id: CleanText = Field(min_length=1, max_length=200)


@router.post("/{course_id}/generate-pathways", status_code=202)
async def generate_pathways(course_id: CourseId, body: GeneratePathways, c: ContainerDep, who: PrincipalDep):
    cap = await allowed_budget(c, await visible_course(c, who, course_id), body.budget_usd)
    outcome = await c.commands.execute(course_id, lambda state: capped(stage3.start_pathways(
        state, who.user_id, who.is_admin, body.additional_info, body.pathway_count, budget_usd=body.budget_usd), cap))
    return started(outcome)


@router.get("/{course_id}/stage3/status")
async def stage3_status(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    async def answer() -> dict:
        await visible_course(c, who, course_id)
        status = await stage_status(c, course_id, "stage3")
        status["selection"] = await c.results.pathway_selection(course_id)
        return status
    return await cached(c, ("stage3", course_id, who.user_id, who.is_admin), answer)


@router.get("/{course_id}/pathways")
async def pathways(course_id: CourseId, c: ContainerDep, who: PrincipalDep,
                   limit: Annotated[int, Query(ge=1, le=MODULES_PAGE_MOST)] = MODULES_PAGE, offset: Offset = 0,
                   pathway_id: Annotated[Annotated[str, AfterValidator(clean_text)] | None, Query(max_length=200)] = None):
    async def answer() -> dict:
        await visible_course(c, who, course_id)
        task = await c.stages.task(course_id, "stage3")
        status = task["status"] if task else "PENDING"
        marks = stage_marks("stage3", status, task and task["task_id"], await c.stages.results(course_id))
        return {"status": status, **marks, "limit": limit, "offset": offset,
                "pathways": await c.results.pathways(course_id, limit, offset, pathway_id),
                "selection": await c.results.pathway_selection(course_id)}
    return await cached(c, ("pathways", course_id, who.user_id, who.is_admin, limit, offset, pathway_id), answer)


@router.post("/{course_id}/stage3-selections")
async def select_pathway(course_id: CourseId, body: PathwayChoice, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    try:
        outcome = await c.commands.execute(course_id, lambda state: stage3.select_pathway(
            state, who.user_id, who.is_admin, body.selected_pathway_id))
    except runs.InvalidSelection as exc:
        raise HTTPException(422, str(exc)) from None
    return {"message": "Pathway selected", "next_stage": "stage4", "stream_seq": outcome.stream_seq,
            "selection": await c.results.pathway_selection(course_id)}


@router.post("/{course_id}/stage3/cancel", status_code=202)
async def cancel_stage3(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    outcome = await c.commands.execute(
        course_id, lambda state: runs.cancel_stage(state, who.user_id, who.is_admin, "stage3"))
    return {"status": "cancelled", "stream_seq": outcome.stream_seq}


@router.post("/{course_id}/stage3/retry", status_code=202)
async def retry_stage3(course_id: CourseId, c: ContainerDep, who: PrincipalDep, body: Spend | None = None):
    budget = body.budget_usd if body else None
    cap = await allowed_budget(c, await visible_course(c, who, course_id), budget)
    outcome = await c.commands.execute(
        course_id, lambda state: capped(stage3.retry_pathways(state, who.user_id, who.is_admin, budget), cap))
    return started(outcome)
