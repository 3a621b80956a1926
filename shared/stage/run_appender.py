"""Appending a run's events only while the run has not ended: once its terminal event (its stage's
result, StageFailed, StageCancelled) or the course's deletion is in the log, nothing of that run
follows it, whatever a worker still busy with it says.

Why conditional appends: a cancel (the gateway) and a progress step (the worker) race; checking
"still running?" and then publishing leaves a gap in which the cancel lands first. Here every
append expects the course's last sequence to be one up to which the run is known not to have
ended, so the log itself refuses an append that something came before; what came is read (only
the events after that sequence, not the history) and decides: the run ended, the event is dropped;
it did not, the append is tried again on the newer sequence. Per run the known sequence is kept,
so a progress step costs one append, plus a short read when another writer came in between."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field

from shared.bus.eventstore import ConcurrencyConflict, EventStore
from shared.events import Event
from shared.events.catalogue import CourseDeleted, StageCancelled, StageFailed
from shared.stage.runs import RESULTS

log = logging.getLogger(__name__)
ENDINGS: tuple[type[Event], ...] = (CourseDeleted, StageCancelled, StageFailed, *RESULTS)
KEPT_RUNS = 1024  # runs whose known sequence is kept; a forgotten one is found again with two reads


def ends_run(event: Event, stage: str, task_id: str) -> bool:
    """`event` is the end of `stage`'s run `task_id` (or of its whole course)."""
    if isinstance(event, CourseDeleted):
        return True
    if RESULTS.get(type(event)) == stage:
        return event.payload.task_id == task_id
    if isinstance(event, (StageCancelled, StageFailed)):
        return event.payload.stage == stage and event.payload.task_id == task_id
    return False


@dataclass
class _Run:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    known_seq: int | None = None  # the course's sequence up to which the run has not ended
    ended: bool = False


class RunAppender:
    """Appends the events of `stage`'s runs to `store` unless their run has ended."""

    def __init__(self, store: EventStore, stage: str) -> None:
        self.store, self.stage = store, stage
        self._runs: OrderedDict[tuple[str, str], _Run] = OrderedDict()

    async def append(self, event: Event, task_id: str) -> bool:
        """Appends `event` of run `task_id`; False (and a log line) when the run has ended, so the
        event was dropped. An event that is itself the run's end ends it for what follows."""
        run = self._run(event.course_id, task_id)
        async with run.lock:
            if run.known_seq is None and not run.ended:
                await self._learn(run, event.course_id, task_id)
            while not run.ended:
                try:
                    appended = await self.store.append(event, run.known_seq)
                except ConcurrencyConflict:  # someone appended since: did that end the run?
                    await self._catch_up(run, event.course_id, task_id)
                    continue
                if not appended.duplicate:
                    run.known_seq = appended.stream_seq
                run.ended = ends_run(event, self.stage, task_id)
                return True
        log.info("dropping %s %s: run %s of %s has ended", event.event_type, event.event_id, task_id, self.stage)
        return False

    def _run(self, course_id: str, task_id: str) -> _Run:
        key = (course_id, task_id)
        run = self._runs.get(key)
        if run is None:
            run = self._runs[key] = _Run()
            while len(self._runs) > KEPT_RUNS:
                self._runs.popitem(last=False)
        self._runs.move_to_end(key)
        return run

    async def _learn(self, run: _Run, course_id: str, task_id: str) -> None:
        """The course's last sequence, then its endings (a few subjects, read whole): an ending of
        the run at or before that sequence is among them."""
        last_seq = await self.store.last_seq(course_id)
        endings = (await self.store.load(course_id, only=ENDINGS)).events
        run.ended = any(ends_run(e, self.stage, task_id) for e in endings)
        run.known_seq = last_seq

    async def _catch_up(self, run: _Run, course_id: str, task_id: str) -> None:
        newer = await self.store.load_after(course_id, run.known_seq)
        run.ended = any(ends_run(e, self.stage, task_id) for e in newer.events)
        if newer.last_seq == run.known_seq:  # the conflict came from an event not readable yet: ask the leader
            await self._learn(run, course_id, task_id)
        else:
            run.known_seq = newer.last_seq
