"""What every stage service does around its work: decide whether a request is still the course's
running run, and emit its events (started, progress, result, failed, given up) with ids derived
from the request and a key, so a redelivered request repeats the same events and the log
deduplicates them. The keys are part of the ids: changing one breaks redelivery dedup."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Iterable

from shared.bus.eventstore import EventStore, EventTooLarge
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseDeleted, CourseForked, StageCancelled, StageFailed, StageProgressed, StageStarted,
    TokenUsage,
)
from shared.llm.provider import Usage
from shared.stage.run_appender import RunAppender
from shared.stage.runs import REQUESTS, RESULTS, fold_runs

log = logging.getLogger(__name__)

# What decides whether a run is still current: a course's progress steps, analyses, modules and
# file lists do not, and a long run's history is mostly those.
LIFECYCLE: tuple[type[Event], ...] = (CourseCreated, CourseForked, CourseDeleted, *REQUESTS, *RESULTS,
                                      StageStarted, StageFailed, StageCancelled)
# A course begins with either: a fork's CourseForked stands in for its CourseCreated (shared/forks.py).
BEGINNINGS = (CourseCreated, CourseForked)


class StageFailure(RuntimeError):
    """The run cannot succeed; the message tells the user why and what to do."""


class RunCancelled(Exception):
    """The run stopped being the course's running one while it worked: it stops, emitting nothing
    more (the cancel or the newer run already says what happened)."""


def is_current(events: list[Event], request: Event, stage: str) -> bool:
    """The course exists and `request` is its running run of `stage`."""
    if not any(isinstance(e, BEGINNINGS) for e in events) or any(isinstance(e, CourseDeleted) for e in events):
        return False
    run = fold_runs(events).get(stage)
    return run is not None and run.task_id == request.payload.task_id and run.running


def token_usage(usage: Usage | None) -> dict | None:
    if usage is None:
        return None
    return TokenUsage(provider=usage.provider, model=usage.model, input_tokens=usage.input_tokens,
                      output_tokens=usage.output_tokens, cache_read_tokens=usage.cache_read_tokens,
                      cache_creation_tokens=usage.cache_creation_tokens, calls=usage.calls).model_dump()


class StageEmitter:
    """One service's voice for one stage: `actor` signs its events, `stage` is e.g. "stage3"."""

    def __init__(self, store: EventStore, actor: str, stage: str) -> None:
        self.store, self.actor, self.stage = store, actor, stage
        self._appender = RunAppender(store, stage)

    async def current_history(self, request: Event,
                              only: Iterable[type[Event]] | None = None) -> list[Event] | None:
        """The course's events (of the types in `only`) if `request` is its running run, else None."""
        events = (await self.store.load(request.course_id, only=only)).events
        if is_current(events, request, self.stage):
            return events
        log.info("skipping %s: its run is finished, cancelled or replaced", request.event_id)
        return None

    async def still_current(self, request: Event) -> bool:
        return is_current((await self.store.load(request.course_id, only=LIFECYCLE)).events, request, self.stage)

    @asynccontextmanager
    async def running(self, request: Event,
                      failures: tuple[type[BaseException], ...] = (StageFailure,)) -> AsyncIterator[None]:
        """Announces the run started; the block's `failures` fail the stage with their message, a
        `RunCancelled` ends it quietly, anything else propagates (to be retried, then given up).
        An event the log refuses for its size fails it too: made again, it is as large again."""
        await self.started(request)
        try:
            yield
        except (*failures, EventTooLarge) as exc:
            await self.failed(request, str(exc))
        except RunCancelled:
            log.info("run %s was cancelled; stopped", request.payload.task_id)

    async def emit(self, request: Event, event_cls: type[Event], key: str, **payload) -> bool:
        """Appends an event of `request`'s run; False when the run has ended (cancelled, failed,
        succeeded, its course deleted) and the event was dropped: nothing of a run follows its end."""
        return await self._appender.append(request.reacting(event_cls, key, actor=self.actor, **payload),
                                           request.payload.task_id)

    async def started(self, request: Event) -> bool:
        return await self.emit(request, StageStarted, "started", stage=self.stage, task_id=request.payload.task_id)

    async def progress(self, request: Event, percent: int, step: str, key: str | None = None) -> bool:
        """`key` names the step for its event id; by default the percentage and the step's text."""
        return await self.emit(request, StageProgressed, key or f"progress:{percent}:{step}", stage=self.stage,
                        task_id=request.payload.task_id, progress_percentage=max(0, min(100, percent)),
                        current_step=step[:1000])

    async def failed(self, request: Event, message: str) -> bool:
        return await self.emit(request, StageFailed, "failed", stage=self.stage, task_id=request.payload.task_id,
                        error_message=message[:4000])

    async def give_up(self, request: Event, reason: str) -> None:
        """The last delivery failed on something unexpected: the stage fails saying why rather than
        staying STARTED, and the user can retry it."""
        number = self.stage.removeprefix("stage")
        await self.failed(request, f"stage {number} could not complete ({reason[:3000]}); retry the stage")
