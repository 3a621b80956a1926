"""Envelopes the docs forbid (docs/subscribing.md, "The envelope"), each as a way to spoil a valid
event's JSON and the JSON Schema keyword that must refuse it. Shared by the Python (jsonschema)
and the Node (strict ajv) contract tests, so both refuse the same list."""
from __future__ import annotations

from typing import Any, Callable

Spoil = Callable[[dict[str, Any]], dict[str, Any]]


def _without(field: str) -> Spoil:
    return lambda raw: {key: value for key, value in raw.items() if key != field}


def _with(field: str, value: Any) -> Spoil:
    return lambda raw: {**raw, field: value}


# case -> (spoil, the keyword that refuses it; the same name in jsonschema and ajv)
FORBIDDEN: dict[str, tuple[Spoil, str]] = {
    "no event_id": (_without("event_id"), "required"),
    "no event_type": (_without("event_type"), "required"),
    "no occurred_at": (_without("occurred_at"), "required"),
    "no schema_version": (_without("schema_version"), "required"),
    "no correlation_id": (_without("correlation_id"), "required"),
    "empty course_id": (_with("course_id", ""), "pattern"),
    "course_id not a subject token": (_with("course_id", "a.b c*"), "pattern"),
    "course_id of 65 characters": (_with("course_id", "a" * 65), "pattern"),
    "occurred_at not UTC": (_with("occurred_at", "2026-11-22T19:25:14+05:00"), "pattern"),
    "occurred_at no date-time": (_with("occurred_at", "2026-13-40T19:25:14Z"), "format"),
    "schema_version 0": (_with("schema_version", 0), "minimum"),
    "event_id not a uuid": (_with("event_id", "ev-1"), "pattern"),
    "causation_id not a uuid": (_with("causation_id", "not-a-uuid"), "pattern"),
    "another event_type": (_with("event_type", "SomethingElse"), "const"),
}
