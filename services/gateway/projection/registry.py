"""Which function projects which event type."""
from __future__ import annotations

from typing import Awaitable, Callable

from asyncpg import Connection

from shared.events import Event

Handler = Callable[[Connection, str, Event, int], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}


def handles(*event_classes: type[Event]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for cls in event_classes:
            HANDLERS[cls.type_name()] = fn
        return fn
    return register
