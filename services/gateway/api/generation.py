"""Whole-course views: the status of every stage (the polling endpoints) and the course's
event history from the log."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from ..domain.lineage import course_staleness
from .course_access import COURSE_ID_PATTERN, CourseId, visible_course
from .deps import ContainerDep, PrincipalDep
from .run_status import stage_status

router = APIRouter(tags=["course generation"])
STAGES = ("stage1", "stage2", "stage3", "stage4")


@router.get("/api/course-generation/{course_id}/status")
async def generation_status(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    course = await visible_course(c, who, course_id)
    tasks = {t["stage"]: t for t in await c.stages.tasks(course_id)}
    current = max(tasks, default=None)
    latest = tasks.get(current, {})
    results = await c.stages.results(course_id)
    marks = course_staleness(results, {stage: task["status"] for stage, task in tasks.items()})
    return {"course_id": course_id, "course_status": course["status"], "current_stage": current, **marks,
            "status": latest.get("status", "PENDING"),
            "progress_percentage": latest.get("progress_percentage", 0),
            "current_step": latest.get("current_step"), "error_message": latest.get("error_message"),
            "stages": {stage: await stage_status(c, course_id, stage) for stage in STAGES}}


@router.get("/api/course-generation/stage{stage_number}/progress")
async def stage_progress(stage_number: int, c: ContainerDep, who: PrincipalDep,
                         course_id: Annotated[str, Query(pattern=COURSE_ID_PATTERN)]):
    if stage_number not in (1, 2, 3, 4):
        raise HTTPException(404, f"there is no stage {stage_number}; stages are 1 to 4")
    await visible_course(c, who, course_id)
    return await stage_status(c, course_id, f"stage{stage_number}")


@router.get("/api/courses/{course_id}/events")
async def event_history(course_id: CourseId, c: ContainerDep, who: PrincipalDep,
                        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                        offset: Annotated[int, Query(ge=0)] = 0):
    """The course's events in log order, as other systems receive them."""
    await visible_course(c, who, course_id)
    history = await c.histories.load(course_id)
    page = history.events[offset:offset + limit]
    return {"total": len(history.events), "last_seq": history.last_seq,
            "events": [e.model_dump(mode="json") for e in page]}
