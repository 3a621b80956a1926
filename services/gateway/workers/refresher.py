"""The refresh manager: a process manager that carries an open refresh from step to step
(domain/refresh.py decides the steps). It wakes on the events that end a step — a refresh asked
for, a stage's result, failure or cancellation — and appends the next command. Runs on a durable
consumer, so a refresh whose stage ended while the gateway was down goes on when it comes back;
a message is acknowledged only once its course has no further step to take now."""
from __future__ import annotations

import asyncio
import logging

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.bus.eventstore import EventStore
from shared.events import PoisonEvent, decode_event, subject_of_type
from shared.events.subjects import course_from_subject
from shared.events.catalogue import (
    CourseGenerated, CourseRefreshEnded, CourseRefreshRequested, DocsAnalysed, PathwaysGenerated, RepoCloned,
    StageCancelled, StageFailed,
)

from ..commands import CourseCommands
from .durable_worker import run_durable
from ..domain.refresh import abandon, fold_refresh, next_step

log = logging.getLogger(__name__)
DURABLE = "gateway-refresher"
WAKES_ON = (CourseRefreshRequested, RepoCloned, DocsAnalysed, PathwaysGenerated, CourseGenerated,
            StageFailed, StageCancelled)
# Steps one wake-up may take: a refresh has at most seven (re-selection and pathway selection
# follow a stage's result at once); the bound keeps a rule that never settles from spinning.
MAX_STEPS = 8
MAX_DELIVER = 20  # deliveries of a wake-up before the manager gives its refresh up


async def advance(commands: CourseCommands, course_id: str) -> int:
    """Append the open refresh's next steps until it waits for a stage; how many were appended."""
    for taken in range(MAX_STEPS):
        outcome = await commands.execute_on_history(
            course_id, lambda state, events: next_step(state, fold_refresh(events)))
        if outcome is None:
            return taken
        log.info("refresh of %s: %s appended", course_id, outcome.event.event_type)
    log.error("refresh of %s took %d steps in one wake-up; ending it", course_id, MAX_STEPS)
    await give_up(commands, course_id, f"the refresh manager took {MAX_STEPS} steps without reaching a "
                  "stage to wait for (a rule that does not settle)")
    return MAX_STEPS


async def give_up(commands: CourseCommands, course_id: str, reason: str) -> None:
    """End the course's open refresh FAILED with `reason` (nothing when none is open)."""
    outcome = await commands.execute_on_history(
        course_id, lambda state, events: abandon(state, fold_refresh(events), reason))
    if outcome is not None:
        log.error("refresh of %s ended: %s", course_id, reason)


async def refreshing(store: EventStore, course_id: str) -> bool:
    """Whether the course has an open refresh: two small reads, not its whole history — most stage
    results belong to no refresh."""
    marks = await store.load(course_id, only=(CourseRefreshRequested, CourseRefreshEnded))
    ended = {e.payload.refresh_id for e in marks.events if isinstance(e, CourseRefreshEnded)}
    return any(isinstance(e, CourseRefreshRequested) and e.payload.refresh_id not in ended for e in marks.events)


def _config() -> ConsumerConfig:
    # Created once with DeliverPolicy.NEW: the events before the gateway first ran with refreshes
    # belong to none; from then on the durable consumer keeps its place across restarts.
    return ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=60, max_deliver=MAX_DELIVER,
                          deliver_policy=DeliverPolicy.NEW,
                          filter_subjects=[subject_of_type(cls) for cls in WAKES_ON],
                          backoff=[1, 2, 5, 10, 30] + [60] * 14)


async def subscribe(js: JetStreamContext, stream: str):
    """The manager's durable subscription. The gateway makes it before it serves a request, so no
    refresh asked for on a first start is missed by the NEW delivery policy."""
    return await js.pull_subscribe("", durable=DURABLE, stream=stream, config=_config())


async def run_refresher(js: JetStreamContext, stream: str, store: EventStore, commands: CourseCommands,
                        stop: asyncio.Event, sub=None) -> None:
    await run_durable("refresh manager", lambda: subscribe(js, stream), lambda msg: _wake(msg, store, commands),
                      stop, sub)


async def _wake(msg, store: EventStore, commands: CourseCommands) -> None:
    try:
        event = decode_event(msg.data)
    except PoisonEvent as exc:
        # The step it ends can never be seen: the course's open refresh ends, saying why.
        log.error("refresh manager cannot read %s: %s", msg.subject, exc)
        await _end_refresh(msg, commands, course_from_subject(msg.subject),
                           f"an event of the course could not be read ({msg.subject}: {str(exc)[:300]})")
        return
    try:
        if isinstance(event, CourseRefreshRequested) or await refreshing(store, event.course_id):
            await advance(commands, event.course_id)
    except Exception as exc:  # the log or the read tables: transient; the step is decided again
        if msg.metadata.num_delivered >= MAX_DELIVER:  # the last delivery: no retry will come
            await _end_refresh(msg, commands, event.course_id, f"the refresh could not go on after "
                               f"{MAX_DELIVER} attempts ({type(exc).__name__}: {str(exc)[:300]})")
            return
        log.warning("refresh of %s could not go on (%s); will retry", event.course_id, exc)
        await msg.nak(delay=2.0)
        return
    await msg.ack()


async def _end_refresh(msg, commands: CourseCommands, course_id: str | None, reason: str) -> None:
    """The message is given up (terminated) once its course's open refresh is ended; if even that
    fails it is delivered again (the refresh is not left open silently)."""
    try:
        if course_id:
            await give_up(commands, course_id, reason)
    except Exception as exc:
        log.warning("refresh of %s could not be ended (%s); will retry", course_id, exc)
        await msg.nak(delay=2.0)
        return
    await msg.term()

