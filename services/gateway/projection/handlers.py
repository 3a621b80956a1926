"""The projection's entry point: every handler module, and the dispatch over them."""
from __future__ import annotations

from asyncpg import Connection

from shared.events import Event

from . import (  # noqa: F401 - they register their handlers
    course_handlers, edit_handlers, run_handlers, stage1_handlers, stage2_handlers, stage3_handlers, stage4_handlers,
)
from .registry import HANDLERS


async def apply(conn: Connection, schema: str, event: Event, seq: int) -> None:
    handler = HANDLERS.get(event.event_type)
    if handler is not None:
        await handler(conn, schema, event, seq)
