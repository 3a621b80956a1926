"""Which function projects which event type. Most events have a handler that writes at once; the
high-volume ones (a document analysed, a step of progress, a module written) have a statement
instead, which the projector may hold back and send with others of its kind in one round trip."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from asyncpg import Connection

from shared.events import Event

Handler = Callable[[Connection, str, Event, int], Awaitable[None]]
# (schema, event) -> (SQL, arguments): one write that touches only the event's own course's rows,
# is idempotent, and does not change what another deferrable statement of the course would do.
Statement = Callable[[str, Event], tuple[str, tuple[Any, ...]]]
# (earlier arguments, later arguments) -> arguments of one statement with the effect of both, for
# statements whose first three arguments name the row they change (course, stage, task).
Merge = Callable[[tuple[Any, ...], tuple[Any, ...]], tuple[Any, ...]]
HANDLERS: dict[str, Handler] = {}
STATEMENTS: dict[str, Statement] = {}
MERGES: dict[str, Merge] = {}


def handles(*event_classes: type[Event]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for cls in event_classes:
            HANDLERS[cls.type_name()] = fn
        return fn
    return register


def writes(*event_classes: type[Event], merge: Merge | None = None) -> Callable[[Statement], Statement]:
    """Register a deferrable statement; applied alone it is executed at once, like a handler."""
    def register(statement: Statement) -> Statement:
        async def execute_now(conn: Connection, schema: str, event: Event, seq: int) -> None:
            await conn.execute(*_flat(statement(schema, event)))
        for cls in event_classes:
            STATEMENTS[cls.type_name()] = statement
            if merge is not None:
                MERGES[cls.type_name()] = merge
            HANDLERS[cls.type_name()] = execute_now
        return statement
    return register


def _flat(sql_and_args: tuple[str, tuple[Any, ...]]) -> tuple[Any, ...]:
    sql, args = sql_and_args
    return (sql, *args)
