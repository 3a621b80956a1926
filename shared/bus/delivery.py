"""What to do with one delivered message: the delivery policy of every stage service,
kept free of the messaging framework so it can be tested alone."""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

from shared.bus.eventstore import EventTooLarge
from shared.events import Event, PoisonEvent, decode_event
from shared.observability.context import bound, event_fields

log = logging.getLogger(__name__)
Handler = Callable[[Event], Awaitable[None]]
# Called when the last allowed delivery fails too, so the stage can say why instead of hanging.
GiveUp = Callable[[Event, str], Awaitable[None]]


@dataclass(frozen=True)
class StageWork:
    handle: Handler
    give_up: GiveUp | None = None


class Verdict(enum.Enum):
    ACK = "ack"      # the work's effects are durable
    RETRY = "nak"    # transient failure: deliver again after a delay
    POISON = "term"  # can never succeed: stop delivering it


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    delay: float = 0.0
    reason: str = ""


def retry_delay(attempt: int, base: float = 1.0, cap: float = 60.0) -> float:
    return min(cap, base * 2 ** max(0, attempt - 1))


async def deliver(data: bytes, attempt: int, work: StageWork, expected: type[Event],
                  last_attempt: bool = False) -> Decision:
    try:
        event = decode_event(data)
    except PoisonEvent as exc:
        return Decision(Verdict.POISON, reason=str(exc))
    if not isinstance(event, expected):
        return Decision(Verdict.POISON, reason=f"expected {expected.type_name()}, got {event.event_type}")
    with bound(**event_fields(event)):  # every log line of the work names the course and event
        decision = await _handle(event, attempt, work, last_attempt)
        log.info("%s (attempt %d) handled: %s", event.event_type, attempt, decision.verdict.name.lower())
        return decision


async def _handle(event: Event, attempt: int, work: StageWork, last_attempt: bool) -> Decision:
    try:
        await work.handle(event)
    except PoisonEvent as exc:
        return Decision(Verdict.POISON, reason=str(exc))
    except EventTooLarge as exc:  # the work would make the same event again: no delivery can succeed
        log.error("handling %s made an event the log refuses: %s", event.event_id, exc)
        return await _give_up(work, event, attempt, exc)
    except Exception as exc:  # anything else may pass: try again later, with backoff
        log.warning("handling %s failed (attempt %d): %s", event.event_id, attempt, exc)
        if last_attempt:
            return await _give_up(work, event, attempt, exc)
        return Decision(Verdict.RETRY, delay=retry_delay(attempt), reason=str(exc))
    return Decision(Verdict.ACK)


async def _give_up(work: StageWork, event: Event, attempt: int, exc: Exception) -> Decision:
    reason = f"gave up after {attempt} attempt{'s' if attempt != 1 else ''}: {exc}"
    if work.give_up is not None:
        try:
            await work.give_up(event, reason)
        except Exception as failure:  # nothing was recorded: keep the message for another try
            log.error("could not record giving up on %s: %s", event.event_id, failure)
            return Decision(Verdict.RETRY, delay=retry_delay(attempt), reason=reason)
    return Decision(Verdict.POISON, reason=reason)
