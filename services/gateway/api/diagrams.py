"""The diagrams of a generated course's sources as stage 4 drew them (shared/diagrams.py), for the
web reader: `{languages, diagrams: [{key, renderer, source, svg}]}` of the current version. Read like
the other stage 4 results: visible courses only, 409 before stage 4 (404 is "no such course"). A version that kept none (made
before they were kept, or its artefacts are gone) answers none, so the reader shows their sources."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared.diagrams import diagrams_ref, read_diagrams

from .course_access import CourseId, visible_course
from .deps import ContainerDep, PrincipalDep

router = APIRouter(prefix="/api/courses", tags=["stage 4: course"])
GONE = (NotFoundError, ObjectNotFoundError, KeyError)


@router.get("/{course_id}/diagrams")
async def course_diagrams(course_id: CourseId, c: ContainerDep, who: PrincipalDep) -> dict:
    """Each drawn diagram's SVG (sanitised by stage 4: no script, no style, nothing loaded) with the
    source it was drawn from, and the fence languages that are diagrams."""
    await visible_course(c, who, course_id)
    generated = await c.results.generated(course_id)
    if generated is None or not generated["export_ref"]:
        raise HTTPException(409, "the course has not been generated yet: run stage 4 (POST generate-course)")
    try:
        data: bytes | None = await c.artefacts.get(diagrams_ref(generated["export_ref"]))
    except GONE:
        data = None
    return read_diagrams(data)
