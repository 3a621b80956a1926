"""The author's edits of a written course: may this edit happen, and which event says it. Pure.

An edit names modules of the course as the author sees it now — the current version's modules with
the edits so far on top (shared/course_edits.py) — and is refused while the course is being written
(a stage 4 run, or a refresh, which ends in one): that run presents the edits made up to its
request, so an edit made meanwhile would be missing from the version it writes, and the modules it
names could change under it. Regenerating a module, or writing a version now, is a stage 4 run
reusing every module of the current version but the ones named."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from shared.course_content import validate_fields
from shared.course_edits import Edit, fold_edits, presented_order
from shared.events import Event
from shared.events.catalogue import (
    CourseGenerated, CourseGenerationRequested, EditUndone, ModuleEdited, ModuleGenerated, ModuleRemoved,
    ModulesMerged, ModulesReordered,
)

from .course import CourseState, require_visible
from .runs import StageConflict, request_run, require_idle


class InvalidEdit(ValueError):
    """The edit names modules in a way the course cannot take (422); the message says which."""


class UnknownModule(LookupError):
    """The module is not in the course as the author sees it (404)."""


class UnknownEdit(LookupError):
    """No edit of this course has that id (404)."""


@dataclass(frozen=True)
class WrittenCourse:
    """The course's current version (its last successful stage 4 run) and the author's edits."""
    version_task: str | None = None
    pathway_id: str | None = None
    module_ids: tuple[str, ...] = ()        # as that run wrote them, in order
    edits: tuple[Edit, ...] = ()             # every edit, undone ones included, in log order
    presented: tuple[str, ...] = ()          # the module ids the author sees, in order

    def edits_of(self, module_id: str) -> list[Edit]:
        """The text edits (ModuleEdited) of a module still in force."""
        return [e for e in self.edits if e.active and e.kind == "edited" and e.payload["module_id"] == module_id]


def written_course(events: Iterable[Event]) -> WrittenCourse:
    events = list(events)
    requests: dict[str, str] = {}                 # task -> pathway
    written: dict[str, dict[str, int]] = {}       # task -> module -> position
    current: str | None = None
    for event in events:
        p = event.payload
        if isinstance(event, CourseGenerationRequested):
            requests[p.task_id] = p.pathway_id
        elif isinstance(event, ModuleGenerated) and p.task_id in requests:
            written.setdefault(p.task_id, {}).setdefault(p.module_id, p.position)
        elif isinstance(event, CourseGenerated) and p.task_id in requests:
            current = p.task_id
    edits = tuple(fold_edits(events))
    if current is None:
        return WrittenCourse(edits=edits)
    modules = written.get(current, {})
    ids = tuple(sorted(modules, key=lambda m: modules[m]))
    return WrittenCourse(current, requests[current], ids, edits, tuple(presented_order(list(ids), edits)))


def require_editable(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool) -> None:
    require_visible(state, user_id, is_admin)
    if course.version_task is None:
        raise StageConflict("the course has no version to edit yet: write it first (POST generate-course)")
    if state.refreshing is not None:
        raise StageConflict(f"the course is being refreshed (refresh {state.refreshing}); edit it once the "
                            "refresh has ended")
    run = state.runs.get("stage4")
    if run is not None and run.running:
        raise StageConflict(f"stage 4 is writing the course (task {run.task_id}); edit it once it has finished, "
                            "or cancel it")


def _in_course(course: WrittenCourse, module_id: str) -> None:
    if module_id not in course.presented:
        raise UnknownModule(f"module {module_id} is not in the course (removed, merged into another, or "
                            "never there); GET generated-course lists its modules")


def _edit(cls: type[Event], state: CourseState, user_id: str, **payload) -> Event:
    return cls(course_id=state.course_id, actor=user_id, payload=payload)


def edit_module(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool, module_id: str,
                fields: dict[str, Any]) -> ModuleEdited:
    """Replace fields of a module's content (its title: a rename). Raises InvalidField
    (shared/course_content.py) naming a field that is not a content field or whose value is not of its shape."""
    require_editable(state, course, user_id, is_admin)
    _in_course(course, module_id)
    return _edit(ModuleEdited, state, user_id, module_id=module_id, fields=validate_fields(fields))


def reorder_modules(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool,
                    module_ids: list[str]) -> ModulesReordered:
    require_editable(state, course, user_id, is_admin)
    repeated = sorted({m for m in module_ids if module_ids.count(m) > 1})
    unknown = [m for m in module_ids if m not in course.presented]
    missing = [m for m in course.presented if m not in module_ids]
    if repeated or unknown or missing:
        problems = ([f"named more than once: {', '.join(repeated)}"] * bool(repeated)
                    + [f"not in the course: {', '.join(unknown)}"] * bool(unknown)
                    + [f"missing: {', '.join(missing)}"] * bool(missing))
        raise InvalidEdit("module_ids must name every module of the course once, in the new order; "
                          + "; ".join(problems))
    return _edit(ModulesReordered, state, user_id, module_ids=list(module_ids))


def remove_module(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool,
                  module_id: str) -> ModuleRemoved:
    require_editable(state, course, user_id, is_admin)
    _in_course(course, module_id)
    if len(course.presented) == 1:
        raise InvalidEdit(f"module {module_id} is the course's only module; a course keeps at least one")
    return _edit(ModuleRemoved, state, user_id, module_id=module_id)


def merge_modules(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool, into: str,
                  merged: list[str], title: str | None) -> ModulesMerged:
    """`merged` folded into `into` (their sections, key points and questions appended in order)."""
    require_editable(state, course, user_id, is_admin)
    _in_course(course, into)
    for module_id in merged:
        _in_course(course, module_id)
    if into in merged or len(set(merged)) != len(merged) or not merged:
        raise InvalidEdit("a merge needs at least two different modules: `into` and one or more others in "
                          "`merged`, each named once")
    return _edit(ModulesMerged, state, user_id, into=into, merged=list(merged), title=title)


def undo_edit(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool,
              edit_event_id: str) -> EditUndone:
    """The compensating event of an edit of this course that is still in force."""
    require_editable(state, course, user_id, is_admin)
    edit = next((e for e in course.edits if e.event_id == edit_event_id), None)
    if edit is None:
        raise UnknownEdit(f"the course has no edit {edit_event_id}; GET edits lists them")
    if not edit.active:
        raise StageConflict(f"edit {edit_event_id} was already undone by {edit.undone_actor} (event "
                            f"{edit.undone_by})")
    return _edit(EditUndone, state, user_id, edit_event_id=edit_event_id)


def write_version(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool,
                  regenerate: list[str] = ()) -> CourseGenerationRequested:
    """A stage 4 run writing the next version from the current one's pathway: every module reused
    but those in `regenerate`, written anew; the export presents the edits."""
    require_editable(state, course, user_id, is_admin)
    for module_id in regenerate:
        _in_course(course, module_id)
    require_idle(state, "stage4")
    return request_run(CourseGenerationRequested, state, user_id, pathway_id=course.pathway_id,
                       reuse_from=course.version_task, regenerate=list(regenerate))


def regeneration_undos(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool,
                       module_id: str) -> list[str]:
    """Which edits regenerating `module_id` with `overwrite_edits` undoes first: its text edits (a
    merge or a reorder is the course's shape, not the module's text, and stays). Checks the
    regeneration may start, so a refused one undoes nothing."""
    write_version(state, course, user_id, is_admin, [module_id])
    return [e.event_id for e in course.edits_of(module_id)]


def undo_for_regeneration(state: CourseState, course: WrittenCourse, user_id: str, is_admin: bool,
                          edit_event_id: str) -> EditUndone | None:
    """The undo, decided again on fresh history: None if someone undid it meanwhile."""
    edit = next((e for e in course.edits if e.event_id == edit_event_id), None)
    if edit is None or not edit.active:
        return None
    return undo_edit(state, course, user_id, is_admin, edit_event_id)
