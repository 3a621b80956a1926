"""Stage 2 endpoints: start, watch, read the analyses, cancel, retry."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from shared.text import CleanText
from shared.vocabulary import Complexity, DocType

from ..domain import runs, stage2
from ..domain.quotas import capped
from ..edge.quotas import allowed_budget
from .cached import cached
from .course_access import CourseId, visible_course
from .deps import ContainerDep, Offset, PrincipalDep
from .projects import NOT_FOUND
from .run_status import as_status, started
from .schemas import BudgetUsd, Spend

router = APIRouter(prefix="/api/courses", tags=["stage 2: documents"])


class AnalyzeDocuments(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    complexity_level: Complexity = "intermediate"
    additional_info: CleanText = Field(default="", max_length=5000)
    budget_usd: float | None = BudgetUsd


@router.post("/{course_id}/analyze-documents", status_code=202)
async def analyze_documents(course_id: CourseId, body: AnalyzeDocuments, c: ContainerDep, who: PrincipalDep):
    cap = await allowed_budget(c, await visible_course(c, who, course_id), body.budget_usd)
    outcome = await c.commands.execute(course_id, lambda state: capped(stage2.start_analysis(
        state, who.user_id, who.is_admin, body.complexity_level, body.additional_info,
        budget_usd=body.budget_usd), cap))
    return started(outcome)


@router.get("/{course_id}/stage2/status")
async def stage2_status(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    async def answer() -> dict:
        overview = await c.stages.stage2_overview(course_id)
        if overview is None or not (who.is_admin or overview.owner == who.user_id):
            raise HTTPException(404, NOT_FOUND)
        return {**as_status(overview.task, "stage2", overview.results), "inputs": overview.inputs,
                "result": overview.result}
    return await cached(c, ("stage2", course_id, who.user_id, who.is_admin), answer)


@router.get("/{course_id}/analyzed-documents")
async def analyzed_documents(
    course_id: CourseId, c: ContainerDep, who: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Offset = 0,
    doc_type: Annotated[DocType | None, Query()] = None,
    complexity_level: Annotated[Complexity | None, Query()] = None,
):
    async def answer() -> dict:
        await visible_course(c, who, course_id)
        total, documents = await c.stages.analyzed_documents(course_id, limit, offset, doc_type, complexity_level)
        task = await c.stages.task(course_id, "stage2")
        return {"total": total, "limit": limit, "offset": offset,
                "status": task["status"] if task else "PENDING", "documents": documents}
    return await cached(c, ("documents", course_id, who.user_id, who.is_admin, limit, offset, doc_type,
                            complexity_level), answer)


@router.post("/{course_id}/stage2/cancel", status_code=202)
async def cancel_stage2(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    outcome = await c.commands.execute(
        course_id, lambda state: runs.cancel_stage(state, who.user_id, who.is_admin, "stage2"))
    return {"status": "cancelled", "stream_seq": outcome.stream_seq}


@router.post("/{course_id}/stage2/retry", status_code=202)
async def retry_stage2(course_id: CourseId, c: ContainerDep, who: PrincipalDep, body: Spend | None = None):
    budget = body.budget_usd if body else None
    cap = await allowed_budget(c, await visible_course(c, who, course_id), budget)
    outcome = await c.commands.execute(
        course_id, lambda state: capped(stage2.retry_analysis(state, who.user_id, who.is_admin, budget), cap))
    return started(outcome)
