"""The author's edits as an overlay on what stage 4 wrote. Pure.

Stage 4 keeps writing the modules of the pathway's plan (their ids stable across refreshes); the
author's edits (ModuleEdited, ModulesReordered, ModuleRemoved, ModulesMerged) apply on top of them,
in log order, in every version, until an EditUndone names them. One function decides what the
author's course looks like — `apply_edits` — and both the gateway (its answers, the reader) and
stage 4 (the export of each version) use it, so the two never disagree.

An edit naming a module the course no longer has (a refresh removed it, another edit merged it away)
is kept but changes nothing; it applies again if the module comes back."""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping

from shared.events import Event
from shared.events.catalogue import EditUndone, ModuleEdited, ModuleRemoved, ModulesMerged, ModulesReordered

EDIT_KINDS: dict[type[Event], str] = {ModuleEdited: "edited", ModulesReordered: "reordered",
                                      ModuleRemoved: "removed", ModulesMerged: "merged"}
EDIT_EVENTS = tuple(EDIT_KINDS)
# What a merge appends from each merged module to the one it keeps, in order.
MERGED_LISTS = ("sections", "code_examples", "key_points", "assessment")


@dataclass(frozen=True)
class Edit:
    """One edit of the course, as the log (or the gateway's `course_edits` row) holds it."""
    event_id: str
    kind: str                  # edited | reordered | removed | merged
    payload: Mapping[str, Any]  # the event's payload, as JSON
    actor: str
    at: datetime
    seq: int = 0
    undone_by: str | None = None     # the EditUndone's event id
    undone_actor: str | None = None
    undone_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.undone_by is None

    def modules(self) -> list[str]:
        """Every module the edit names."""
        p = self.payload
        if self.kind == "reordered":
            return list(p["module_ids"])
        if self.kind == "merged":
            return [p["into"], *p["merged"]]
        return [p["module_id"]]


@dataclass(frozen=True)
class PresentedModule:
    """A module of the course as the author made it: stage 4's content with the edits on top."""
    module_id: str
    content: dict[str, Any]
    edited_fields: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()  # the modules folded into this one, in order

    @property
    def edited(self) -> bool:
        return bool(self.edited_fields)


def named_module(event: Event) -> str | None:
    """The module an edit is about, for listing it: the edited or removed one, the one a merge keeps."""
    p = event.payload
    if isinstance(event, ModulesMerged):
        return p.into
    return getattr(p, "module_id", None)


def as_edit(event: Event, seq: int = 0) -> Edit:
    return Edit(event.event_id, EDIT_KINDS[type(event)], event.payload.model_dump(mode="json"), event.actor,
                event.occurred_at, seq)


def fold_edits(events: Iterable[Event]) -> list[Edit]:
    """Every edit of the course in log order, each marked with the undo that undid it, if any. An
    undo counts once (the first), and only for an edit before it."""
    edits: dict[str, Edit] = {}
    for seq, event in enumerate(events, start=1):
        if isinstance(event, EDIT_EVENTS):
            edits.setdefault(event.event_id, as_edit(event, seq))
        elif isinstance(event, EditUndone):
            edit = edits.get(event.payload.edit_event_id)
            if edit is not None and edit.active:
                edits[edit.event_id] = replace(edit, undone_by=event.event_id, undone_actor=event.actor,
                                               undone_at=event.occurred_at)
    return list(edits.values())


def active(edits: Iterable[Edit]) -> list[Edit]:
    return [edit for edit in edits if edit.active]


def apply_edits(modules: list[tuple[str, Mapping[str, Any]]], edits: Iterable[Edit]) -> list[PresentedModule]:
    """The course as the author made it from stage 4's `modules` (id and content, in order): every
    edit not undone applied in turn. The given contents are not changed."""
    course = [PresentedModule(module_id, copy.deepcopy(dict(content))) for module_id, content in modules]
    for edit in active(edits):
        course = _APPLY[edit.kind](course, edit.payload)
    return course


def presented_order(module_ids: list[str], edits: Iterable[Edit]) -> list[str]:
    """The ids of the course's modules, in order, once the edits are applied (contents not needed)."""
    return [m.module_id for m in apply_edits([(module_id, {}) for module_id in module_ids], edits)]


def edited_ids(course: Iterable[PresentedModule]) -> list[str]:
    return [m.module_id for m in course if m.edited]


def _edited(course: list[PresentedModule], p: Mapping[str, Any]) -> list[PresentedModule]:
    found = []
    for m in course:
        if m.module_id == p["module_id"]:
            fields = dict(p["fields"])
            m = replace(m, content={**m.content, **copy.deepcopy(fields)},
                        edited_fields=_union(m.edited_fields, fields))
        found.append(m)
    return found


def _removed(course: list[PresentedModule], p: Mapping[str, Any]) -> list[PresentedModule]:
    return [m for m in course if m.module_id != p["module_id"]]


def _merged(course: list[PresentedModule], p: Mapping[str, Any]) -> list[PresentedModule]:
    by_id = {m.module_id: m for m in course}
    into = by_id.get(p["into"])
    if into is None:
        return course  # the module that would keep the others is gone: the merge is inert
    taken = [by_id[module_id] for module_id in dict.fromkeys(p["merged"])
             if module_id in by_id and module_id != into.module_id]
    if not taken:
        return course
    content, fields = dict(into.content), list(into.edited_fields)
    for other in taken:
        for name in MERGED_LISTS:
            if other.content.get(name):
                content[name] = [*content.get(name, []), *copy.deepcopy(other.content[name])]
                fields.append(name)
        objectives = other.content.get("learning_objectives") or []
        if objectives:
            content["learning_objectives"] = list(dict.fromkeys([*content.get("learning_objectives", []), *objectives]))
            fields.append("learning_objectives")
    if p.get("title"):
        content["title"] = p["title"]
        fields.append("title")
    kept = replace(into, content=content, edited_fields=_union((), fields),
                   merged=(*into.merged, *(m.module_id for m in taken), *(i for m in taken for i in m.merged)))
    gone = {m.module_id for m in taken}
    return [kept if m.module_id == into.module_id else m for m in course if m.module_id not in gone]


def _reordered(course: list[PresentedModule], p: Mapping[str, Any]) -> list[PresentedModule]:
    """The order the edit names; a module it does not name (new since, say after a refresh) stays
    right after the module it followed (or first, if it came before every named one)."""
    order = list(dict.fromkeys(p["module_ids"]))
    named = set(order)
    following: dict[str | None, list[PresentedModule]] = {}
    anchor: str | None = None
    by_id = {}
    for m in course:
        if m.module_id in named:
            anchor, by_id[m.module_id] = m.module_id, m
        else:
            following.setdefault(anchor, []).append(m)
    result = list(following.get(None, []))
    for module_id in order:
        if module_id in by_id:
            result += [by_id[module_id], *following.get(module_id, [])]
    return result


def _union(fields: Iterable[str], more: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*fields, *more]))


_APPLY = {"edited": _edited, "removed": _removed, "merged": _merged, "reordered": _reordered}


def edit_words(edit: Edit, name: Callable[[str], str]) -> str:
    """What the edit did, in words, naming modules with `name(module_id)`: 'module 2, Install renamed
    to "Setup"', 'module 3, Usage edited (introduction, summary)', 'modules reordered', …"""
    p = edit.payload
    if edit.kind == "edited":
        fields = list(p["fields"])
        if fields == ["title"]:
            return f"{name(p['module_id'])} renamed to \"{p['fields']['title']}\""
        return f"{name(p['module_id'])} edited ({', '.join(fields)})"
    if edit.kind == "removed":
        return f"{name(p['module_id'])} removed"
    if edit.kind == "merged":
        title = f" as \"{p['title']}\"" if p.get("title") else ""
        return f"{' and '.join(name(m) for m in p['merged'])} merged into {name(p['into'])}{title}"
    return "modules reordered"
