"""Decoding stored events: JSON → upcast to the current schema version → validated model."""
from __future__ import annotations

import json
from typing import Any, Callable

from pydantic import ValidationError

from .catalogue import CATALOGUE
from .envelope import Event

EVENT_TYPES: dict[str, type[Event]] = {cls.type_name(): cls for cls in CATALOGUE}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
# (event_type, from_version) -> function returning the raw event at from_version + 1.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


class PoisonEvent(ValueError):
    """A message that can never be processed: not JSON, unknown type, or an invalid shape."""


def register_upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn
    return register


def _version(raw: dict[str, Any]) -> int:
    version = raw.get("schema_version", 1)
    if type(version) is not int:
        raise PoisonEvent(f"schema_version must be an integer, got {version!r}")
    return version


def upcast(raw: dict[str, Any], event_cls: type[Event]) -> dict[str, Any]:
    version = _version(raw)
    while version < event_cls.CURRENT_VERSION:
        step = UPCASTERS.get((event_cls.type_name(), version))
        if step is None:
            raise PoisonEvent(f"no upcaster for {event_cls.type_name()} v{version}")
        raw = step(raw)
        version = _version(raw)
    if version > event_cls.CURRENT_VERSION:
        raise PoisonEvent(
            f"{event_cls.type_name()} v{version} is newer than this service understands "
            f"(v{event_cls.CURRENT_VERSION})"
        )
    return raw


def decode_event(data: bytes) -> Event:
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PoisonEvent(f"event is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise PoisonEvent("event is not a JSON object")
    event_cls = EVENT_TYPES.get(str(raw.get("event_type")))
    if event_cls is None:
        raise PoisonEvent(f"unknown event type {raw.get('event_type')!r}")
    try:
        return event_cls.model_validate(upcast(raw, event_cls))
    except ValidationError as exc:
        raise PoisonEvent(f"invalid {event_cls.type_name()}: {exc.errors(include_url=False)}") from exc


# Lone-surrogate escapes: json.loads keeps them in the string; pydantic's JSON parser need not read
# them the same way, so a message holding one is read by decode_event alone.
LONE_SURROGATE_ESCAPES = (b"\\ud", b"\\uD")


def decode_stored(subject: str, data: bytes) -> Event:
    """The event `decode_event(data)` reads, read faster (a third less time in the projection's
    profile) when the message is what the writers put on the log: the current version of the type its subject names, validated straight
    from the bytes (no dict in between). Anything else (another version to upcast, a body of
    another type, invalid data, a lone-surrogate escape) is read by decode_event, so the outcome,
    and a poison event's reason, are the same."""
    cls = EVENT_TYPES.get(subject.rpartition(".")[2])
    # A backslash is found far faster than a two-byte sequence (a 70 kB body: 1 µs against 76)
    if cls is not None and not (b"\\" in data and b"\\u" in data
                                and any(escape in data for escape in LONE_SURROGATE_ESCAPES)):
        try:
            event = cls.model_validate_json(data)
        except ValidationError:
            pass
        else:
            # decode_event reads the type from the body: a body without one is no event of any
            # type, though the model would fill in its own type as the field's default
            if event.schema_version == cls.CURRENT_VERSION and "event_type" in event.model_fields_set:
                return event
    return decode_event(data)
