"""Course commands: read the course's history, decide, append with optimistic concurrency, and wait
for the projection so the caller's next read sees the change."""
from __future__ import annotations

import asyncio
import random
import time
import uuid
import weakref
from dataclasses import dataclass
from typing import Awaitable, Callable

from shared.bus.eventstore import ConcurrencyConflict, EventStore, History
from shared.events import Event

from .domain.course import DECIDING, CourseState, create_course, delete_course, fold, update_course
from .domain.fork import fork_course, inherited_snapshots
from .projection.projector import Projector

class Busy(RuntimeError):
    """The course kept changing under us; the client should retry."""


@dataclass(frozen=True)
class Outcome:
    course_id: str
    stream_seq: int
    projected: bool  # False: accepted, but the read tables had not caught up within the wait
    event: Event | None = None


class CourseCommands:
    def __init__(self, store: EventStore, projector: Projector, wait_seconds: float,
                 history: Callable[[str], Awaitable[History]] | None = None,
                 kept: Callable[[str], bool] | None = None) -> None:
        self._store, self._projector, self._wait = store, projector, wait_seconds
        # How a decision on the whole history reads it: the store's whole read, or the gateway's
        # kept histories (kept_histories.py), which read the same history and only what is new of
        # it; `kept(course_id)`: whether that history is kept, so any decision reads it that way.
        self._history = history or store.load
        self._kept = kept or (lambda course_id: False)
        # One command per course at a time in this process; other replicas are kept honest by
        # the optimistic concurrency of the append.
        self._course_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def create(self, user_id: str, title: str, description: str, language: str | None = None) -> Outcome:
        course_id = uuid.uuid4().hex
        event = create_course(course_id, user_id, title, description, language)
        appended = await self._store.append(event, 0)
        return await self._settled(course_id, appended.stream_seq, event)

    async def fork(self, user_id: str, is_admin: bool, source_id: str, from_stage: str, title: str | None,
                   claim: Callable[[str, list[str]], Awaitable[None]]) -> Outcome:
        """A new course whose history starts with the source's up to the end of `from_stage`, as the
        source stands now. `claim(fork_id, snapshot_refs)` makes the fork a user of the snapshots it
        inherits before the fork exists, so deleting the source meanwhile does not take them."""
        history = await self._history(source_id)
        course_id = uuid.uuid4().hex
        event = fork_course(fold(source_id, history.events), history.last_seq, history.forks, course_id,
                            user_id, is_admin, from_stage, title)
        await claim(course_id, inherited_snapshots(history.events))
        appended = await self._store.append(event, 0)
        return await self._settled(course_id, appended.stream_seq, event)

    async def update(self, user_id: str, is_admin: bool, course_id: str, if_match: int | None,
                     title: str | None, description: str | None, language: str | None = None) -> Outcome:
        return await self._decide(course_id, lambda state, _: update_course(
            state, user_id, is_admin, if_match, title, description, language), whole=False)

    async def delete(self, user_id: str, is_admin: bool, course_id: str) -> Outcome:
        return await self._decide(course_id, lambda state, _: delete_course(state, user_id, is_admin), whole=False)

    async def record(self, event: Event) -> Outcome:
        """Append an event no rule of the course decides (a learner's question and its answer):
        without optimistic concurrency, made harmless to resend by its event id."""
        appended = await self._store.publish(event)
        return await self._settled(event.course_id, appended.stream_seq, event)

    async def execute(self, course_id: str, decide: Callable[[CourseState], Event]) -> Outcome:
        """Decide on the course's current state and append the event; the general command path."""
        return await self._decide(course_id, lambda state, _: decide(state), whole=False)

    async def execute_on_history(self, course_id: str,
                                 decide: Callable[[CourseState, list[Event]], Event | None]) -> Outcome | None:
        """Decide on the course's state and its whole history (for rules that fold more than the
        aggregate keeps); None when the decision is to append nothing."""
        return await self._decide(course_id, decide, whole=True)

    async def _decide(self, course_id: str, decide: Callable[[CourseState, list[Event]], Event | None],
                      whole: bool) -> Outcome | None:
        lock = self._course_locks.setdefault(course_id, asyncio.Lock())
        async with lock:
            deadline = time.monotonic() + self._wait
            attempt = 0
            while True:
                history, last_seq = await self._read(course_id, whole)
                event = decide(fold(course_id, history.events), history.events)
                if event is None:
                    return None
                try:
                    appended = await self._store.append(event, last_seq)
                    break
                except ConcurrencyConflict:
                    # Another replica appended meanwhile: decide again on fresh state, after a
                    # jittered pause so racing replicas do not collide in lockstep.
                    attempt += 1
                    if time.monotonic() > deadline:
                        raise Busy(f"course {course_id} kept changing ({attempt} conflicting "
                                   "appends) while this command was decided") from None
                    await asyncio.sleep(random.uniform(0, min(0.5, 0.01 * 2 ** attempt)))
        return await self._settled(course_id, appended.stream_seq, event)

    async def _read(self, course_id: str, whole: bool) -> tuple[History, int]:
        """The history a decision folds and the sequence its append expects. A decision on the
        state alone reads only the types it folds (`DECIDING`): a course of 20,000 documents has a
        history of hundreds of megabytes once decoded, and its commands read a few kilobytes. The
        course's last sequence is read first: whatever is stored after it, of any type, makes the
        append conflict and the decision is made again on what is new. A course whose history is
        kept (small enough, read lately) is decided from it: one read of what is new, not one per type."""
        if whole or self._kept(course_id):
            history = await self._history(course_id)
            return history, history.last_seq
        last_seq = await self._store.last_seq(course_id)
        return await self._store.load(course_id, only=DECIDING), last_seq

    async def _settled(self, course_id: str, seq: int, event: Event) -> Outcome:
        return Outcome(course_id, seq, await self._projector.wait_for(seq, self._wait), event)
