"""The course aggregate: its state folded from its events, and the decisions on commands. No I/O."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from shared.events import Event, new_event_id
from shared.events.catalogue import CourseCreated, CourseDeleted, CourseUpdated
from shared.stages import StageRun, evolve_runs


class CourseNotFound(LookupError):
    """Unknown, deleted or someone else's course: the same answer for all three, so nothing leaks."""


class RevisionMismatch(RuntimeError):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"the course changed: If-Match names revision {expected} but it is at revision {actual}; "
            "read it again and resend your change"
        )
        self.actual = actual


@dataclass(frozen=True)
class CourseState:
    course_id: str
    owner_id: str | None = None
    title: str = ""
    description: str = ""
    revision: int = 0
    deleted: bool = False
    runs: Mapping[str, StageRun] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.owner_id is not None and not self.deleted

    def visible_to(self, user_id: str, is_admin: bool) -> bool:
        return self.exists and (is_admin or self.owner_id == user_id)


def fold(course_id: str, events: Iterable[Event]) -> CourseState:
    state = CourseState(course_id)
    for event in events:
        state = evolve(state, event)
    return state


def evolve(state: CourseState, event: Event) -> CourseState:
    state = replace(state, runs=evolve_runs(dict(state.runs), event))
    if isinstance(event, CourseCreated):
        p = event.payload
        return replace(state, owner_id=p.owner_id, title=p.title, description=p.description, revision=1)
    if isinstance(event, CourseUpdated):
        p = event.payload
        return replace(
            state,
            title=p.title if p.title is not None else state.title,
            description=p.description if p.description is not None else state.description,
            revision=p.revision,
        )
    if isinstance(event, CourseDeleted):
        return replace(state, deleted=True)
    return state


def create_course(course_id: str, user_id: str, title: str, description: str) -> CourseCreated:
    return CourseCreated(
        course_id=course_id, actor=user_id, correlation_id=new_event_id(),
        payload={"owner_id": user_id, "title": title, "description": description},
    )


def update_course(
    state: CourseState, user_id: str, is_admin: bool, if_match: int | None,
    title: str | None, description: str | None,
) -> CourseUpdated:
    if not state.visible_to(user_id, is_admin):
        raise CourseNotFound(state.course_id)
    if if_match is not None and if_match != state.revision:
        raise RevisionMismatch(if_match, state.revision)
    return CourseUpdated(
        course_id=state.course_id, actor=user_id,
        payload={"title": title, "description": description, "revision": state.revision + 1},
    )


def delete_course(state: CourseState, user_id: str, is_admin: bool) -> CourseDeleted:
    if not state.visible_to(user_id, is_admin):
        raise CourseNotFound(state.course_id)
    return CourseDeleted(course_id=state.course_id, actor=user_id, payload={})
