"""Stage 4 endpoints: generate the course, watch, read it, download the export."""
from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException
from nats.js.errors import NotFoundError, ObjectNotFoundError

from ..domain import runs, stage4
from ..domain.quotas import capped
from ..domain.lineage import stage_marks
from .cached import cached
from .export_files import Mastery, checked_mastery, chosen, listed, served
from .course_access import CourseId, visible_course
from .deps import ContainerDep, PrincipalDep
from .edits import edit_reader, presented
from .run_status import stage_status, started
from ..edge.quotas import allowed_budget
from .schemas import Spend
from ..reading.ledgers import run_ledger
from shared.course_labels import language_fields
from shared.leftover_tasks import all_or_none

router = APIRouter(prefix="/api/courses", tags=["stage 4: course"])
GONE = (NotFoundError, ObjectNotFoundError)


@router.post("/{course_id}/generate-course", status_code=202)
async def generate_course(course_id: CourseId, c: ContainerDep, who: PrincipalDep, body: Spend | None = None):
    budget = body.budget_usd if body else None
    cap = await allowed_budget(c, await visible_course(c, who, course_id), budget)
    outcome = await c.commands.execute(course_id, lambda state: capped(
        stage4.start_generation(state, who.user_id, who.is_admin, budget_usd=budget), cap))
    return started(outcome)


@router.get("/{course_id}/stage4/status")
async def stage4_status(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    async def answer() -> dict:
        await visible_course(c, who, course_id)
        return await stage_status(c, course_id, "stage4")
    return await cached(c, ("stage4", course_id, who.user_id, who.is_admin), answer)


@router.get("/{course_id}/generated-course")
async def generated_course(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    course = await visible_course(c, who, course_id)
    generated = await c.results.generated(course_id)
    task = await c.stages.task(course_id, "stage4")
    if generated is None or task is None:
        return {"status": "PENDING", "modules": [], "export": None}
    rows = await c.results.module_contents(course_id, generated["task_id"])
    contents = await all_or_none(*(_content(c, row["content_ref"]) for row in rows))
    # The course as the author made it: the edits on top of what stage 4 wrote (shared/course_edits.py).
    modules, edited = presented(rows, contents, await edit_reader(c).edits(course_id))
    export = None
    if generated["export_ref"]:
        url = f"/api/courses/{course_id}/export"
        export = {"url": url, "bytes": generated["export_bytes"],
                  "formats": await listed(c.artefacts, generated["export_ref"], generated["export_bytes"], url)}
    marks = stage_marks("stage4", task["status"], task["task_id"], await c.stages.results(course_id))
    return {"status": task["status"], **marks, "title": course["title"], "pathway_id": generated["pathway_id"],
            "pathway_title": generated["pathway_title"], "module_count": generated["module_count"],
            "generated_at": generated["generated_at"], "usage": generated["usage"],
            **language_fields(generated["language"], generated["content_language"]),
            "modules": modules, "edited_modules": edited, "export": export,
            "ledger": await run_ledger(c.artefacts, course_id, generated["task_id"])}


@router.get("/{course_id}/export")
async def export(course_id: CourseId, c: ContainerDep, who: PrincipalDep, format: str | None = None,
                 mastery: Mastery = None):
    """The course in one format of shared/export_formats.py (`format`; the zip by default); a SCORM
    package with the mastery score `mastery` (%) if given."""
    format_name = chosen(format)
    mastery = checked_mastery(format_name, mastery)
    course = await visible_course(c, who, course_id)
    generated = await c.results.generated(course_id)
    if generated is None or not generated["export_ref"]:
        raise HTTPException(409, "the course has not been generated yet: run stage 4 (POST generate-course)")
    return await served(c.artefacts, generated["export_ref"], format_name, course["title"],
                        "the export is no longer stored; run stage 4 again", mastery=mastery)


async def _content(c, ref: str) -> dict | None:
    try:
        return json.loads(await c.artefacts.get(ref))
    except GONE:
        return None


@router.post("/{course_id}/stage4/cancel", status_code=202)
async def cancel_stage4(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    outcome = await c.commands.execute(
        course_id, lambda state: runs.cancel_stage(state, who.user_id, who.is_admin, "stage4"))
    return {"status": "cancelled", "stream_seq": outcome.stream_seq}


@router.post("/{course_id}/stage4/retry", status_code=202)
async def retry_stage4(course_id: CourseId, c: ContainerDep, who: PrincipalDep, body: Spend | None = None):
    budget = body.budget_usd if body else None
    cap = await allowed_budget(c, await visible_course(c, who, course_id), budget)
    outcome = await c.commands.execute(
        course_id, lambda state: capped(stage4.retry_generation(state, who.user_id, who.is_admin, budget), cap))
    return started(outcome)
