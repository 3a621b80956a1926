"""Decoding for the fold (fold.py): every message as `decode_stored` reads it (`decode`), the
event types that cost it most (LEAN) validated straight from bytes into plain dicts, not model
instances, with the very constraints of the event's model.

Measured on the benchmark's courses, decoding was half of a folding worker's time, and three types
most of it: RepoFilesDiscovered (hundreds of nested file models each), DocAnalysed (sixty a
course) and StageProgressed (half of a course's events). pydantic spends much of a model's validation making the instances; a typed dict skips
that. The validator is made from the model's own core schema, every model in it turned into a typed
dict with the same fields, field validators, defaults and extra-field rule — so there is one
definition of what an event may hold (the catalogue), and tests/unit/test_bulk_decode.py checks
that both read every message alike: the same values, or both refuse it."""
from __future__ import annotations

import functools
from typing import Any

from pydantic import ValidationError
from pydantic_core import SchemaValidator

from shared.events import Event, decode_event, decode_stored
from shared.events.catalogue import DocAnalysed, RepoFilesDiscovered, StageProgressed
from shared.events.codec import LONE_SURROGATE_ESCAPES


class NotLeanable(TypeError):
    """A model whose validation a typed dict cannot repeat (a custom __init__, a model validator
    of its own, a root model, computed fields)."""


def typed_dict_schema(schema: Any) -> Any:
    """`schema` (a pydantic core schema) with every model schema in it turned into the typed-dict
    schema of the same fields."""
    if isinstance(schema, list):
        return [typed_dict_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if str(schema.get("type")).startswith("function-") and _is_model(schema.get("schema")):
        # A model validator wraps the model's schema and is handed the model instance
        raise NotLeanable(f"{schema['schema'].get('cls')} has a model validator")
    if schema.get("type") != "model":
        return {key: typed_dict_schema(value) for key, value in schema.items()}
    inner = schema["schema"]
    if (schema.get("custom_init") or schema.get("root_model") or schema.get("post_init")
            or inner.get("type") != "model-fields" or inner.get("computed_fields")):
        raise NotLeanable(f"{schema.get('cls')} validates in ways a typed dict does not repeat")
    fields = {}
    for name, field in inner["fields"].items():
        field_schema = typed_dict_schema(field["schema"])
        fields[name] = {"type": "typed-dict-field", "schema": field_schema,
                        # A field with a default is wrapped in a "default" schema: optional.
                        "required": field_schema.get("type") != "default",
                        **{key: field[key] for key in ("validation_alias", "metadata") if key in field}}
    lean: dict[str, Any] = {"type": "typed-dict", "fields": fields}
    for key in ("extra_behavior", "strict"):
        if key in inner:
            lean[key] = inner[key]
    for key in ("ref", "config", "metadata"):
        if key in schema:
            lean[key] = schema[key]
    return lean


def _is_model(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "model"


@functools.cache
def lean_validator(model: type[Event]) -> SchemaValidator:
    """A validator reading what `decode_stored` reads as `model`, into dicts (nested models too):
    its `event_type` required, as decode_stored requires it (decode_event reads the type from the
    body), where the model has a default."""
    schema = typed_dict_schema(model.__pydantic_core_schema__)
    if schema.get("type") != "typed-dict":
        raise NotLeanable(f"{model.__name__}'s core schema is not its model's")
    event_type = schema["fields"]["event_type"]
    if event_type["schema"].get("type") == "default":
        event_type = {**event_type, "schema": event_type["schema"]["schema"]}
    schema["fields"]["event_type"] = {**event_type, "required": True}
    return SchemaValidator(schema)


def decode_lean(model: type[Event], data: bytes) -> dict | Event:
    """The message as a dict of `model`'s fields when it is what the writers put on the log (the
    current version of `model`); else as `decode_event` reads it (an older version upcast, a body
    of another type: the model; PoisonEvent with decode_event's reason). The caller has refused
    lone-surrogate escapes, which pydantic's JSON parser need not read as json.loads does."""
    try:
        event = lean_validator(model).validate_json(data)
    except ValidationError:
        pass
    else:
        if event["schema_version"] == model.CURRENT_VERSION:
            return event
    return decode_event(data)


class NotBulkable(Exception):
    """The log holds something the fold cannot be sure to project exactly as the live projector does."""


# Escapes PostgreSQL text refuses (NUL) or that may carry a lone surrogate no encoder accepts.
_UNSURE_ESCAPES = (b"\\u0000", *LONE_SURROGATE_ESCAPES)


# Decoded into dicts (bulk_decode.py): most of the fold's decoding time was spent on these, the
# largest (a scan's files, an analysis) and the most frequent (progress, half of a course's events).
LEAN: dict[str, type[Event]] = {cls.type_name(): cls for cls in (RepoFilesDiscovered, DocAnalysed, StageProgressed)}
_LEAN_MODELS = frozenset(LEAN.values())


def _has_unsure_escape(data: bytes) -> bytes | None:
    # pydantic writes other characters as they are: an escape is rarely there at all, and a
    # backslash is found far faster than a two-byte sequence in a long message.
    if b"\\" in data and b"\\u" in data:
        return next((escape for escape in _UNSURE_ESCAPES if escape in data), None)
    return None


def decode(subject: str, data: bytes, strict: bool = True) -> Event | dict:
    """The event, as `decode_stored` reads it (a dict of its fields for a LEAN type); PoisonEvent if
    it cannot be read. Strict: NotBulkable for an escape PostgreSQL may refuse."""
    unsure = _has_unsure_escape(data)
    if unsure is not None and strict:
        raise NotBulkable(f"an event on {subject} holds an escape ({unsure.decode()}…) PostgreSQL may refuse")
    lean = LEAN.get(subject.rpartition(".")[2])
    event = decode_stored(subject, data) if lean is None or unsure is not None else decode_lean(lean, data)
    return as_folded(event)


def as_folded(event: Event | dict) -> Event | dict:
    """A LEAN type read as a model (an older version upcast, a body under another type's subject,
    an inherited event): as the dict its function here reads."""
    # type() first: isinstance against a pydantic model class goes through ABCMeta, a cost per event
    if type(event) is dict or type(event) not in _LEAN_MODELS:
        return event
    return event.model_dump()  # type: ignore[union-attr]  # a LEAN model, as the test above says
