"""The concept maps of a generated course (shared/concept_map.py): the whole course's and one
module's, as SVG. Read like the other stage 4 results: visible courses only, 409 before stage 4 (404 is "no such course")."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from shared.cpu_lane import on_cpu_lane
from shared.concept_map import ConceptSource, concept_map, svg
from shared.course_labels import label

from ..reading.concept_map_reader import ConceptMapReader
from .course_access import CourseId, visible_course
from .deps import ContainerDep, PrincipalDep

router = APIRouter(prefix="/api/courses", tags=["stage 4: course"])
SVG_TYPE = "image/svg+xml"


async def _sources(c, who, course_id: str) -> tuple[dict, dict[str, list[ConceptSource]]]:
    """The course (with the language of its generated version, for the caption) and each module's sources."""
    course = await visible_course(c, who, course_id)
    generated = await c.results.generated(course_id)
    if generated is None:
        raise HTTPException(409, "the course has not been generated yet: run stage 4 (POST generate-course)")
    reader = ConceptMapReader(c.pool, c.settings.read_schema)
    return {**course, "language": generated["language"]}, await reader.sources(course_id, generated["task_id"])


def _answer(text: str) -> Response:
    # The picture is made from the course's documents: it may not run anything, load anything, or be
    # read as anything but an image.
    return Response(text, media_type=SVG_TYPE, headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "X-Content-Type-Options": "nosniff"})


@router.get("/{course_id}/concept-map", response_class=Response,
            responses={200: {"content": {SVG_TYPE: {}}, "description": "the course's concept map"}})
async def course_concept_map(course_id: CourseId, c: ContainerDep, who: PrincipalDep) -> Response:
    course, modules = await _sources(c, who, course_id)
    documents = [doc for docs in modules.values() for doc in docs]
    title = label(course["language"], "concept_map_of", title=course["title"])
    return _answer(await on_cpu_lane(lambda: svg(concept_map(documents), title)))  # one trip to the lane


@router.get("/{course_id}/modules/{module_id}/concept-map", response_class=Response,
            responses={200: {"content": {SVG_TYPE: {}}, "description": "the module's concept map"}})
async def module_concept_map(course_id: CourseId, module_id: str, c: ContainerDep, who: PrincipalDep) -> Response:
    course, modules = await _sources(c, who, course_id)
    if module_id not in modules:
        raise HTTPException(404, "no such module in the generated course")
    known = [doc for docs in modules.values() for doc in docs]
    title = label(course["language"], "module_concept_map")
    return _answer(await on_cpu_lane(lambda: svg(concept_map(modules[module_id], known), title)))
