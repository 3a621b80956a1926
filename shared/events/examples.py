"""One valid example of every event type, built from its model (the AsyncAPI document shows it;
the contract tests validate it): required fields get a plain value their type and constraints
allow, optional ones keep their default, so an example is what coursegen writes for the smallest
such event. Deterministic (fixed ids and time): the document built from it never changes by itself."""
from __future__ import annotations

import types
import uuid
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .asyncapi_nats import STREAM
from .envelope import Event
from .publishers import GATEWAY, STAGE_SERVICES

EXAMPLE_COURSE_ID = "3f2a9c"
EXAMPLE_USER = "alice"
EXAMPLE_TIME = datetime(2026, 11, 22, 19, 25, 14, 123456, tzinfo=timezone.utc)
# A W3C trace context as the `traceparent` header carries it (version-trace id-span id-flags).
EXAMPLE_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
_NAMESPACE = uuid.UUID("0b7c5f4e-8a8e-4c1b-9d37-5a0f3f6a2e11")
# Values a reader recognises for fields whose name says what they hold; any other string is
# "example-<field>".
_STRINGS = {
    "repo_url": "https://github.com/example/handbook.git",
    "repo_name": "handbook",
    "commit_sha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
    "path": "docs/index.md",
    "owner_id": EXAMPLE_USER,
    "title": "Getting started",
    "provider": "openai",
    "model": "gpt-4o-mini",
    "hook_id": f"{EXAMPLE_COURSE_ID}.Zk3q9XwP2mLr8TbN4vYc7HdE",
}


def example_id(*parts: object) -> str:
    """A fixed UUID for the example named by `parts`."""
    return str(uuid.uuid5(_NAMESPACE, ":".join(map(str, parts))))


def example_event(cls: type[Event]) -> Event:
    """The current version of `cls` with every required field filled in."""
    name = cls.type_name()
    run = example_id(name, "run")
    publishers = cls.PUBLISHED_BY
    # The gateway appends what a user asked for, as that user; a service appends as itself.
    actor = EXAMPLE_USER if publishers == {GATEWAY} else next(s for s in STAGE_SERVICES if s in publishers)
    payload_cls = cls.model_fields["payload"].annotation
    return cls(event_id=example_id(name, cls.CURRENT_VERSION), course_id=EXAMPLE_COURSE_ID,
               occurred_at=EXAMPLE_TIME, actor=actor, correlation_id=run,
               causation_id=None if publishers == {GATEWAY} else example_id(name, "cause"),
               payload=_example_model(payload_cls, run))


def example_headers(event: Event) -> dict[str, str]:
    """The headers every event is published with (shared/bus/eventstore.py; the NATS client adds
    Nats-Expected-Stream); a conditional append adds two more."""
    return {"Nats-Msg-Id": event.event_id, "traceparent": EXAMPLE_TRACEPARENT, "Nats-Expected-Stream": STREAM}


def _example_model(cls: type[BaseModel], run: str) -> dict[str, Any]:
    return {name: _example_value(name, field.annotation, field, run)
            for name, field in cls.model_fields.items() if field.is_required()}


# Free-form fields, shown as what coursegen writes in them.
_OBJECTS = {"fields": {"title": "Routing, step by step"}}


def _example_value(name: str, annotation: Any, field: FieldInfo, run: str) -> Any:
    origin, bounds = get_origin(annotation), _bounds(field)
    if name in _OBJECTS:
        return _OBJECTS[name]
    if origin in (Union, types.UnionType):
        return _example_value(name, next(a for a in get_args(annotation) if a is not type(None)), field, run)
    if origin is Literal:
        return get_args(annotation)[0]
    if origin is list:
        # One item shows the item's shape; an empty list would hide it.
        item = get_args(annotation)[0]
        return [_example_value(name, item, FieldInfo(annotation=item), run)] if bounds.get("max_length", 1) else []
    if origin is dict:
        _, value = get_args(annotation)
        return {f"example-{name}": _example_value(name, value, FieldInfo(annotation=value), run)}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _example_model(annotation, run)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation)).value
    if annotation is bool:
        return False
    if annotation in (int, float):
        return annotation(bounds.get("ge", bounds.get("gt", -1) + 1))
    if annotation is datetime:
        return EXAMPLE_TIME
    if annotation is date:
        return EXAMPLE_TIME.date()
    if annotation is str:
        return run if name == "task_id" else _STRINGS.get(name, f"example-{name}")
    raise TypeError(f"no example value for {name}: {annotation!r}; extend shared/events/examples.py")


def _bounds(field: FieldInfo) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in field.metadata:
        for key in ("max_length", "ge", "gt"):
            if getattr(item, key, None) is not None:
                found[key] = getattr(item, key)
    return found
