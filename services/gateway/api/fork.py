"""Forking a course: a new course of the caller's that starts from another's history up to the end of a
stage (the same analysis with another pathway, say), paying nothing again for what it inherits."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from shared.bus.snapshots import claim
from shared.text import CleanText

from ..domain.lineage import course_staleness
from .course_access import CourseId
from .deps import ContainerDep, PrincipalDep
from .projects import NOT_FOUND
from .schemas import Accepted, Course, Message

router = APIRouter(prefix="/api/courses", tags=["living courses"])


class ForkBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    from_stage: Literal["stage1", "stage2", "stage3", "stage4"] = Field(
        description="the fork inherits this stage and every stage before it; it runs the later ones itself")
    title: CleanText | None = Field(default=None, min_length=1, max_length=200,
                                    description="none: the source's title, marked as a fork")


@router.post("/{course_id}/fork", status_code=201, response_model=Course,
             responses={202: {"model": Accepted}, 404: {"model": Message}, 409: {"model": Message}})
async def fork(course_id: CourseId, body: ForkBody, c: ContainerDep, who: PrincipalDep, response: Response):
    """404 for a course the caller may not see; 409 when `from_stage` has not succeeded last, a stage
    up to it is running, or the course is being refreshed."""
    async def claim_snapshots(fork_id: str, references: list[str]) -> None:
        for reference in references:
            await claim(c.js, reference, fork_id)

    outcome = await c.commands.fork(who.user_id, who.is_admin, course_id, body.from_stage, body.title,
                                    claim_snapshots)
    response.headers["Location"] = f"/api/projects/{outcome.course_id}"
    if not outcome.projected:
        accepted = Accepted(course_id=outcome.course_id, stream_seq=outcome.stream_seq)
        return JSONResponse(accepted.model_dump(), status_code=status.HTTP_202_ACCEPTED,
                            headers={"Location": response.headers["Location"]})
    row = await c.reader.get(outcome.course_id, who.user_id, who.is_admin)
    if row is None:  # deleted straight after it was made
        raise HTTPException(404, NOT_FOUND)
    response.headers["ETag"] = f'"{row["revision"]}"'
    lineage = (await c.stages.lineages([row["course_id"]]))[row["course_id"]]
    return Course(**row, **course_staleness(*lineage))
