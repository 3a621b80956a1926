"""A fork in the read tables (shared/forks.py). Its CourseForked makes its row, as a created
course's; then the events it inherits, read from its source's history, make its rows as they made
its source's, each at the sequence it was stored at, all in the transaction that moves the
checkpoint past the CourseForked (projector.py). Nothing is copied from the source's rows: they may
have moved on since the fork (a later run, a deletion).

Only a projector that can read the source's history projects a fork (`inherit`). Without one (a
log projected on its own, as the in-memory fold of a rebuild is) a fork makes no row at all, so
both agree; a rebuild of a log with a fork applies it as the live projector does (bulk_replay.py)."""
from __future__ import annotations

from typing import Awaitable, Callable

from nats.js import JetStreamContext

from shared.bus.eventstore import EventStore
from shared.events import Event
from shared.events.catalogue import CourseForked

# What a fork inherits: the events, each with the stream sequence it was stored at.
Inherit = Callable[[CourseForked], Awaitable[list[tuple[int, Event]]]]


def inheritance_of(js: JetStreamContext, stream: str) -> Inherit:
    return EventStore(js, stream).inherited


async def as_applied(event: Event | dict, seq: int, inherit: Inherit | None) -> list[tuple[int, Event | dict]]:
    """The events the one stored at `seq` stands for in the read tables, with their sequences."""
    if not isinstance(event, CourseForked):
        return [(seq, event)]
    if inherit is None:
        return []
    inherited: list[tuple[int, Event | dict]] = list(await inherit(event))
    return [(seq, event), *inherited]

