"""How every stage's routes answer about a run: that one has started (202), and its status, which
says whether the result shown is out of date and which engine wrote it (domain/lineage.py)."""
from __future__ import annotations

from typing import Mapping

from fastapi.responses import JSONResponse

from ..commands import Outcome
from ..domain.lineage import StageResult, stage_marks
from .deps import ContainerDep


def started(outcome: Outcome) -> JSONResponse:
    return JSONResponse({"task_id": outcome.event.payload.task_id, "status": "started",
                         "stream_seq": outcome.stream_seq},
                        status_code=202)


async def stage_status(c: ContainerDep, course_id: str, stage: str) -> dict:
    return as_status(await c.stages.task(course_id, stage), stage, await c.stages.results(course_id))


def as_status(task: dict | None, stage: str, results: Mapping[str, StageResult]) -> dict:
    """A stage's run as its status answer; a stage never requested is PENDING."""
    if task is None:
        task = {"status": "PENDING", "progress": 0, "current_step": "Not started", "error_message": None,
                "started_at": None, "completed_at": None, "task_id": None, "fallbacks": []}
    else:
        task["progress"] = task.pop("progress_percentage")
    return {**task, **stage_marks(stage, task["status"], task["task_id"], results)}
