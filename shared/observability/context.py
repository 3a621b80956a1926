"""What the current work is about (course, correlation, event), carried in contextvars so the
log formatter can add it to every line, and the deliveries in flight so publishes are noted."""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator

_fields: ContextVar[dict[str, str]] = ContextVar("coursegen_log_fields", default={})
_delivery: ContextVar["DeliveryScope | None"] = ContextVar("coursegen_delivery", default=None)


def log_fields() -> dict[str, str]:
    return _fields.get()


@contextlib.contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    """Add `fields` (None values left out) to the log context for the duration of the block."""
    token = _fields.set({**_fields.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _fields.reset(token)


def bind(**fields: str | None) -> None:
    """Add `fields` to the log context of the current task from here on (a request's handler)."""
    _fields.set({**_fields.get(), **{k: v for k, v in fields.items() if v is not None}})


def event_fields(event) -> dict[str, str]:
    return {"course_id": event.course_id, "event_id": event.event_id,
            "correlation_id": event.correlation_id or event.event_id}


@dataclass
class DeliveryScope:
    """The event types published while one delivered message was handled."""
    published: list[str] = field(default_factory=list)


@contextlib.contextmanager
def delivery_scope() -> Iterator[DeliveryScope]:
    scope = DeliveryScope()
    token = _delivery.set(scope)
    try:
        yield scope
    finally:
        _delivery.reset(token)


def note_published(event_type: str) -> None:
    scope = _delivery.get()
    if scope is not None:
        scope.published.append(event_type)
