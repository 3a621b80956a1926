"""How every stage's routes answer about a run: that one has started (202), and its status."""
from __future__ import annotations

from fastapi.responses import JSONResponse

from ..commands import Outcome
from .deps import ContainerDep


def started(outcome: Outcome) -> JSONResponse:
    return JSONResponse({"task_id": outcome.event.payload.task_id, "status": "started",
                         "stream_seq": outcome.stream_seq},
                        status_code=202)


async def stage_status(c: ContainerDep, course_id: str, stage: str) -> dict:
    return as_status(await c.stages.task(course_id, stage))


def as_status(task: dict | None) -> dict:
    """A stage's run as its status answer; a stage never requested is PENDING."""
    if task is None:
        return {"status": "PENDING", "progress": 0, "current_step": "Not started", "error_message": None,
                "started_at": None, "completed_at": None, "task_id": None, "fallbacks": []}
    task["progress"] = task.pop("progress_percentage")
    return task
