"""Course commands: read the course's history, decide, append with optimistic concurrency, and wait
for the projection so the caller's next read sees the change."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Callable

from shared.bus.eventstore import ConcurrencyConflict, EventStore
from shared.events import Event

from .domain.course import CourseState, create_course, delete_course, fold, update_course
from .projection.projector import Projector

MAX_ATTEMPTS = 5


class Busy(RuntimeError):
    """The course kept changing under us; the client should retry."""


@dataclass(frozen=True)
class Outcome:
    course_id: str
    stream_seq: int
    projected: bool  # False: accepted, but the read tables had not caught up within the wait


class CourseCommands:
    def __init__(self, store: EventStore, projector: Projector, wait_seconds: float) -> None:
        self._store, self._projector, self._wait = store, projector, wait_seconds

    async def create(self, user_id: str, title: str, description: str) -> Outcome:
        course_id = uuid.uuid4().hex
        appended = await self._store.append(create_course(course_id, user_id, title, description), 0)
        return await self._settled(course_id, appended.stream_seq)

    async def update(self, user_id: str, is_admin: bool, course_id: str, if_match: int | None,
                     title: str | None, description: str | None) -> Outcome:
        return await self._decide(course_id, lambda state: update_course(
            state, user_id, is_admin, if_match, title, description))

    async def delete(self, user_id: str, is_admin: bool, course_id: str) -> Outcome:
        return await self._decide(course_id, lambda state: delete_course(state, user_id, is_admin))

    async def _decide(self, course_id: str, decide: Callable[[CourseState], Event]) -> Outcome:
        for _ in range(MAX_ATTEMPTS):
            history = await self._store.load(course_id)
            event = decide(fold(course_id, history.events))
            try:
                appended = await self._store.append(event, history.last_seq)
            except ConcurrencyConflict:
                continue  # someone appended meanwhile: decide again on fresh state
            return await self._settled(course_id, appended.stream_seq)
        raise Busy(f"course {course_id} changed {MAX_ATTEMPTS} times while this command was decided")

    async def _settled(self, course_id: str, seq: int) -> Outcome:
        return Outcome(course_id, seq, await self._projector.wait_for(seq, self._wait))
