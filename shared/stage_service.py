"""What every stage service does around its work: decide whether a request is still the course's
running run, and emit events with ids derived from the request (so redelivery repeats them)."""
from __future__ import annotations

from shared.bus.eventstore import EventStore
from shared.events import Event
from shared.events.catalogue import CourseCreated, CourseDeleted, StageCancelled, StageFailed, StageProgressed, StageStarted, TokenUsage
from shared.llm.provider import Usage
from shared.stages import REQUESTS, RESULTS, fold_runs

# What decides whether a run is still current: a course's progress steps, analyses, modules and
# file lists do not, and a long run's history is mostly those.
LIFECYCLE: tuple[type[Event], ...] = (CourseCreated, CourseDeleted, *REQUESTS, *RESULTS, StageStarted,
                                      StageFailed, StageCancelled)


class StageFailure(RuntimeError):
    """The run cannot succeed; the message tells the user why and what to do."""


def is_current(events: list[Event], request: Event, stage: str) -> bool:
    """The course exists and `request` is its running run of `stage`."""
    if not any(isinstance(e, CourseCreated) for e in events) or any(isinstance(e, CourseDeleted) for e in events):
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
    def __init__(self, store: EventStore, service: str, stage: str) -> None:
        self.store, self._service, self._stage = store, service, stage

    async def still_current(self, request: Event) -> bool:
        return is_current((await self.store.load(request.course_id, only=LIFECYCLE)).events, request, self._stage)

    async def emit(self, request: Event, event_cls, key: str, **payload) -> None:
        await self.store.publish(request.reacting(event_cls, key, actor=self._service, **payload))

    async def started(self, request: Event) -> None:
        await self.emit(request, StageStarted, "started", stage=self._stage, task_id=request.payload.task_id)

    async def progress(self, request: Event, percent: int, step: str) -> None:
        await self.emit(request, StageProgressed, f"progress:{percent}:{step}", stage=self._stage,
                        task_id=request.payload.task_id, progress_percentage=max(0, min(100, percent)),
                        current_step=step[:1000])

    async def failed(self, request: Event, message: str) -> None:
        await self.emit(request, StageFailed, "failed", stage=self._stage, task_id=request.payload.task_id,
                        error_message=message[:4000])
