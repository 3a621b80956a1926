"""The author's edits of a written course: rename and edit a module's text, reorder, remove, merge,
undo any of them, see the history; regenerate one module, or write a version now. Each edit is an
event (domain/edits.py decides); the course is presented with the edits on top (shared/course_edits.py)."""
from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from shared.course_content import InvalidField
from shared.course_edits import Edit, PresentedModule, apply_edits, edit_words, edited_ids
from shared.events import Event

from ..commands import Outcome
from ..domain import edits
from ..domain.course import CourseState, fold
from ..reading.edit_reader import EditReader
from .course_access import CourseId, visible_course
from .deps import ContainerDep, PrincipalDep
from .run_status import started

router = APIRouter(prefix="/api/courses", tags=["living courses: edits"])
ModuleId = Annotated[str, Path(min_length=1, max_length=200, description="a module id of the course")]
EditId = Annotated[str, Path(min_length=1, max_length=64, description="the edit's event id (GET …/edits)")]


class EditBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: dict[str, Any] = Field(description="module content fields to replace, each with its whole new value "
                                               "(title renames the module)")


class ReorderBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    module_ids: list[str] = Field(min_length=1, max_length=500,
                                  description="every module of the course, in the new order")


class MergeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into: str = Field(min_length=1, max_length=200, description="the module that stays")
    merged: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=100, description="the modules folded into it, in order; they leave the course")
    title: str | None = Field(default=None, min_length=1, max_length=300)


class RegenerateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    overwrite_edits: bool = Field(default=False, description=(
        "undo the module's text edits first; otherwise they stay on top of the new text"))


def edit_reader(c: ContainerDep) -> EditReader:
    return EditReader(c.pool, c.settings.read_schema)


async def _decided(c: ContainerDep, course_id: str,
                   decide: Callable[[CourseState, edits.WrittenCourse], Event | None]) -> Outcome | None:
    """The command decided on the course's history; the domain's refusals as 4xx naming the problem."""
    try:
        return await c.commands.execute_on_history(
            course_id, lambda state, events: decide(state, edits.written_course(events)))
    except InvalidField as exc:
        raise HTTPException(422, f"fields.{exc.field}: {exc.reason}") from None
    except edits.InvalidEdit as exc:
        raise HTTPException(422, str(exc)) from None
    except (edits.UnknownModule, edits.UnknownEdit) as exc:
        raise HTTPException(404, str(exc)) from None


def _edited(outcome: Outcome) -> dict:
    event = outcome.event
    return {"edit_id": event.event_id, "kind": event.event_type, "stream_seq": outcome.stream_seq}


@router.patch("/{course_id}/modules/{module_id}")
async def edit_module(course_id: CourseId, module_id: ModuleId, body: EditBody, c: ContainerDep, who: PrincipalDep):
    """Replace fields of the module's content (title: rename); they stay on top of every later version."""
    await visible_course(c, who, course_id)
    return _edited(await _decided(c, course_id, lambda state, course: edits.edit_module(
        state, course, who.user_id, who.is_admin, module_id, body.fields)))


@router.post("/{course_id}/modules/reorder")
async def reorder_modules(course_id: CourseId, body: ReorderBody, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    return _edited(await _decided(c, course_id, lambda state, course: edits.reorder_modules(
        state, course, who.user_id, who.is_admin, body.module_ids)))


@router.post("/{course_id}/modules/merge")
async def merge_modules(course_id: CourseId, body: MergeBody, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    return _edited(await _decided(c, course_id, lambda state, course: edits.merge_modules(
        state, course, who.user_id, who.is_admin, body.into, body.merged, body.title)))


@router.delete("/{course_id}/modules/{module_id}")
async def remove_module(course_id: CourseId, module_id: ModuleId, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    return _edited(await _decided(c, course_id, lambda state, course: edits.remove_module(
        state, course, who.user_id, who.is_admin, module_id)))


@router.post("/{course_id}/edits/{edit_id}/undo")
async def undo_edit(course_id: CourseId, edit_id: EditId, c: ContainerDep, who: PrincipalDep):
    """The compensating event: the edit no longer applies, in this version's reader and every later one."""
    await visible_course(c, who, course_id)
    return _edited(await _decided(c, course_id, lambda state, course: edits.undo_edit(
        state, course, who.user_id, who.is_admin, edit_id)))


@router.get("/{course_id}/edits")
async def edit_history(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """Every edit, newest first: what it did, who, when, and who undid it."""
    await visible_course(c, who, course_id)
    found = await edit_reader(c).edits(course_id)
    generated = await c.results.generated(course_id)
    rows = await c.results.module_contents(course_id, generated["task_id"]) if generated else []
    titles = {row["module_id"]: row["title"] for row in rows}
    return {"edits": [history_entry(edit, titles) for edit in reversed(found)]}


def history_entry(edit: Edit, titles: dict[str, str]) -> dict:
    def name(module_id: str) -> str:
        return f'module "{titles[module_id]}"' if module_id in titles else f"module {module_id}"

    p = edit.payload
    return {"edit_id": edit.event_id, "kind": edit.kind, "module_id": p.get("module_id", p.get("into")),
            "modules": edit.modules(), "fields": list(p.get("fields", {})), "words": edit_words(edit, name),
            "actor": edit.actor, "at": edit.at, "undone": not edit.active,
            "undone_by": None if edit.active else {"edit_id": edit.undone_by, "actor": edit.undone_actor,
                                                   "at": edit.undone_at}}


@router.post("/{course_id}/modules/{module_id}/regenerate", status_code=202)
async def regenerate_module(course_id: CourseId, module_id: ModuleId, c: ContainerDep, who: PrincipalDep,
                            body: RegenerateBody | None = None):
    """Stage 4 writes this module anew (every other is reused as it is). Its text edits stay on top
    unless `overwrite_edits`, which undoes them first."""
    await visible_course(c, who, course_id)
    overwrite = body.overwrite_edits if body else False
    history = await c.histories.load(course_id)
    course = edits.written_course(history.events)
    # Checked before any undo, so a refused regeneration leaves the edits as they are.
    undos = _refusals_as_http(lambda: edits.regeneration_undos(
        fold(course_id, history.events), course, who.user_id, who.is_admin, module_id))
    staying = course.edits_of(module_id)
    undone = []
    if overwrite:
        for edit_id in undos:
            outcome = await _decided(c, course_id, lambda state, course, edit_id=edit_id: edits.undo_for_regeneration(
                state, course, who.user_id, who.is_admin, edit_id))
            if outcome is not None:
                undone.append(outcome.event.event_id)
    outcome = await _decided(c, course_id, lambda state, course: edits.write_version(
        state, course, who.user_id, who.is_admin, [module_id]))
    fields = list(dict.fromkeys(f for e in staying for f in e.payload["fields"]))
    if overwrite or not fields:
        message = f"module {module_id} is written anew" + (f"; {len(undone)} edit(s) of it undone" if undone else "")
    else:
        message = (f"module {module_id} is written anew; the author's edits ({', '.join(fields)}) stay on top — "
                   "send overwrite_edits: true to drop them")
    answer = {"task_id": outcome.event.payload.task_id, "status": "started", "stream_seq": outcome.stream_seq,
              "module_id": module_id, "undone": undone, "edits_stay": fields if not overwrite else [],
              "message": message}
    return JSONResponse(answer, status_code=202)


def _refusals_as_http(check: Callable[[], Any]) -> Any:
    try:
        return check()
    except edits.UnknownModule as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/{course_id}/versions", status_code=202)
async def write_version(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """A new version now, from the current one: every module reused (no provider call), the edits
    presented in its export and told in its changelog."""
    await visible_course(c, who, course_id)
    return started(await _decided(c, course_id, lambda state, course: edits.write_version(
        state, course, who.user_id, who.is_admin)))


def presented(rows: list[dict], contents: list[dict | None], found: list[Edit]) -> tuple[list[dict], list[str]]:
    """The rows of stage 4's modules (with their contents) as the author made the course: the edits
    applied, in their order, renumbered; each marked `edited` with its `edited_fields`."""
    by_id = {row["module_id"]: (row, content) for row, content in zip(rows, contents)}
    course = apply_edits([(row["module_id"], content or {}) for row, content in zip(rows, contents)], found)
    return [_module_answer(n, by_id[m.module_id], m) for n, m in enumerate(course, start=1)], edited_ids(course)


def _module_answer(position: int, written: tuple[dict, dict | None], module: PresentedModule) -> dict:
    row, content = written
    title = module.content.get("title") if "title" in module.edited_fields else row["title"]
    return {**row, "position": position, "title": title or row["title"],
            "content": module.content if content is not None or module.edited else None,
            "edited": module.edited, "edited_fields": list(module.edited_fields), "merged": list(module.merged)}
