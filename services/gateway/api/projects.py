"""Course CRUD as commands on the event log, answered from the projection."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Query, Response, status
from fastapi.responses import JSONResponse

from shared import linear_regex

from ..commands import Outcome
from ..domain.course import CourseNotFound
from ..domain.lineage import course_staleness
from .cached import cached
from .deps import ContainerDep, Offset, PrincipalDep
from .schemas import Accepted, Course, CourseCreate, CourseUpdate, Message

router = APIRouter(prefix="/api/projects", tags=["projects"])
CourseId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the course id")]
_REVISION = linear_regex.compile(r'^(?:W/)?(?:"(\d{1,9})"|(\d{1,9}))$')
NOT_FOUND = "course not found"


def _etag(revision: int) -> str:
    return f'"{revision}"'


def _parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    match = _REVISION.fullmatch(value.strip())
    if not match:
        raise HTTPException(422, f"If-Match must be a course revision such as \"3\", got {value!r}")
    return int(match.group(1) or match.group(2))


def _accepted(outcome: Outcome) -> JSONResponse:
    body = Accepted(course_id=outcome.course_id, stream_seq=outcome.stream_seq)
    return JSONResponse(body.model_dump(), status_code=status.HTTP_202_ACCEPTED)


async def _course_response(c: ContainerDep, who: PrincipalDep, outcome: Outcome,
                           response: Response) -> Course | JSONResponse:
    if not outcome.projected:
        return _accepted(outcome)
    row = await c.reader.get(outcome.course_id, who.user_id, who.is_admin)
    if row is None:  # deleted by someone else straight after our change
        raise HTTPException(404, NOT_FOUND)
    response.headers["ETag"] = _etag(row["revision"])
    return (await _marked(c, [row]))[0]


async def _marked(c: ContainerDep, rows: list[dict]) -> list[Course]:
    """Courses with what is out of date in them: the course's status alone names only its last event."""
    lineages = await c.stages.lineages([row["course_id"] for row in rows])
    return [Course(**row, **course_staleness(*lineages[row["course_id"]])) for row in rows]


@router.post("/", status_code=201, response_model=Course,
             responses={202: {"model": Accepted}, 401: {"model": Message}})
async def create_course(body: CourseCreate, c: ContainerDep, who: PrincipalDep, response: Response):
    outcome = await c.commands.create(who.user_id, body.title, body.description, body.language)
    response.headers["Location"] = f"/api/projects/{outcome.course_id}"
    return await _course_response(c, who, outcome, response)


@router.get("/", response_model=list[Course])
async def list_courses(c: ContainerDep, who: PrincipalDep,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100,
                       offset: Offset = 0):
    async def answer() -> list[Course]:
        return [Course(**row, **course_staleness(results, runs))
                for row, results, runs in await c.reader.list_with_lineage(who.user_id, limit, offset)]
    return await cached(c, ("courses", who.user_id, limit, offset), answer)


@router.get("/{course_id}", response_model=Course)
async def get_course(course_id: CourseId, c: ContainerDep, who: PrincipalDep, response: Response):
    row = await c.reader.get(course_id, who.user_id, who.is_admin)
    if row is None:
        raise HTTPException(404, NOT_FOUND)
    response.headers["ETag"] = _etag(row["revision"])
    return (await _marked(c, [row]))[0]


@router.put("/{course_id}", response_model=Course, responses={202: {"model": Accepted}})
async def update_course(course_id: CourseId, body: CourseUpdate, c: ContainerDep,
                        who: PrincipalDep, response: Response,
                        if_match: Annotated[str | None, Header()] = None):
    try:
        outcome = await c.commands.update(who.user_id, who.is_admin, course_id,
                                          _parse_if_match(if_match), body.title, body.description,
                                          body.language)
    except CourseNotFound:
        raise HTTPException(404, NOT_FOUND) from None
    return await _course_response(c, who, outcome, response)


@router.delete("/{course_id}", response_model=Message, responses={202: {"model": Accepted}})
async def delete_course(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    try:
        outcome = await c.commands.delete(who.user_id, who.is_admin, course_id)
    except CourseNotFound:
        raise HTTPException(404, NOT_FOUND) from None
    if not outcome.projected:
        return _accepted(outcome)
    return Message(message="Course deleted successfully")
