"""The refresh manager: a process manager that carries an open refresh from step to step
(domain/refresh.py decides the steps). It wakes on the events that end a step — a refresh asked
for, a stage's result, failure or cancellation — and appends the next command. Runs on a durable
consumer, so a refresh whose stage ended while the gateway was down goes on when it comes back;
a message is acknowledged only once its course has no further step to take now."""
from __future__ import annotations

import asyncio
import logging

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig

from shared.bus.lifecycle import pause
from shared.events import PoisonEvent, decode_event, subject_of_type
from shared.events.catalogue import (
    CourseGenerated, CourseRefreshRequested, DocsAnalysed, PathwaysGenerated, RepoCloned, StageCancelled,
    StageFailed,
)

from .commands import CourseCommands
from .domain.refresh import fold_refresh, next_step

log = logging.getLogger(__name__)
DURABLE = "gateway-refresher"
WAKES_ON = (CourseRefreshRequested, RepoCloned, DocsAnalysed, PathwaysGenerated, CourseGenerated,
            StageFailed, StageCancelled)
# Steps one wake-up may take: a refresh has at most seven (re-selection and pathway selection
# follow a stage's result at once); the bound keeps a rule that never settles from spinning.
MAX_STEPS = 8


async def advance(commands: CourseCommands, course_id: str) -> int:
    """Append the open refresh's next steps until it waits for a stage; how many were appended."""
    for taken in range(MAX_STEPS):
        outcome = await commands.execute_on_history(
            course_id, lambda state, events: next_step(state, fold_refresh(events)))
        if outcome is None:
            return taken
        log.info("refresh of %s: %s appended", course_id, outcome.event.event_type)
    log.error("refresh of %s took %d steps in one wake-up; stopped", course_id, MAX_STEPS)
    return MAX_STEPS


async def run_refresher(js: JetStreamContext, stream: str, commands: CourseCommands, stop: asyncio.Event) -> None:
    config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=60, max_deliver=20,
                            filter_subjects=[subject_of_type(cls) for cls in WAKES_ON],
                            backoff=[1, 2, 5, 10, 30, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60])
    while not stop.is_set():
        try:
            sub = await js.pull_subscribe("", durable=DURABLE, stream=stream, config=config)
            while not stop.is_set():
                try:
                    messages = await sub.fetch(16, timeout=1.0)
                except TimeoutError:
                    continue
                for msg in messages:
                    await _wake(msg, commands)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("refresh manager interrupted (%s); resuming", exc)
            await pause(stop, 1.0)


async def _wake(msg, commands: CourseCommands) -> None:
    try:
        event = decode_event(msg.data)
    except PoisonEvent as exc:
        log.error("refresh manager cannot read %s: %s", msg.subject, exc)
        await msg.term()
        return
    try:
        await advance(commands, event.course_id)
    except Exception as exc:  # the log or the read tables: transient; the step is decided again
        log.warning("refresh of %s could not go on (%s); will retry", event.course_id, exc)
        await msg.nak(delay=2.0)
        return
    await msg.ack()
