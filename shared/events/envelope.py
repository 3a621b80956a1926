"""The event envelope every message on the log carries."""
from __future__ import annotations

import functools
import uuid
from datetime import datetime, timezone
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from shared import linear_regex

# Course ids become NATS subject tokens: no dots, wildcards or whitespace may reach a subject.
COURSE_ID_PATTERN = linear_regex.compile(r"^[A-Za-z0-9_-]{1,64}$")
COURSE_ID_MAX = 64


@functools.lru_cache(maxsize=4096)
def _is_course_id(value: str) -> bool:
    return COURSE_ID_PATTERN.fullmatch(value) is not None


def is_course_id(value: str) -> bool:
    """Whether `value` matches COURSE_ID_PATTERN. Every event of a course carries its id, so the
    ids seen lately are remembered (only those short enough to be one: the cache stays small)."""
    return len(value) <= COURSE_ID_MAX and _is_course_id(value)
# What the writer puts on the log, stated in the published schemas only (see `Event`): `str(uuid)`
# for ids, and pydantic's rendering of a UTC datetime (`...T19:25:14.123456Z`, fraction optional).
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
UTC_DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$"
EventId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid", "pattern": UUID_PATTERN})]
_DERIVED_ID_NAMESPACE = uuid.UUID("6f1d3c3e-2b7a-4c52-9a41-0c6a1d5e8b10")


def new_event_id() -> str:
    return str(uuid.uuid4())


def derived_event_id(causation_id: str, key: str) -> str:
    """A deterministic id for an event emitted in reaction to another, so redelivery repeats it."""
    return str(uuid.uuid5(_DERIVED_ID_NAMESPACE, f"{causation_id}:{key}"))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Payload(BaseModel):
    # A payload field with a default stays optional in the published schema: it may be one added
    # to a version after events without it were written, which must still validate.
    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(BaseModel):
    """Base of every event. Subclasses fix `event_type` and `payload`; instances are immutable.

    The model refuses what no version of coursegen ever wrote and no upcaster could mend (a course
    id that is no subject token, a schema_version below 1). It stays lenient where the log may hold
    other spellings that read back losslessly: any timezone (turned into UTC), any string as an id
    (bench/ writes `ev-...` ids). The published schema states what the writer puts on the log."""

    # Every envelope field is required in the published schema: `to_json` has always written all.
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)
    CURRENT_VERSION: ClassVar[int] = 1
    # A command event asks a stage service to do work (the gateway appends it after validating the
    # request); the others record facts. Not part of the shape: the AsyncAPI document says so.
    COMMAND: ClassVar[bool] = False
    # The NATS users that may append it (shared/events/publishers.py): every event type declares
    # them, and the permissions in deploy/nats-accounts.conf are generated from them.
    PUBLISHED_BY: ClassVar[frozenset[str]] = frozenset()
    # The first token of its subject (shared/events/subjects.py): "course" for the course's own
    # history (what its commands decide on, what a fork inherits), "learning" for what its learners
    # do with it, which is theirs, many, and no part of the course's history.
    SUBJECT_ROOT: ClassVar[str] = "course"

    event_id: EventId = Field(default_factory=new_event_id)
    event_type: str
    # Strict: decode_event refuses any other JSON type for it (codec._version), and so must the
    # faster decode_stored, which validates the bytes directly.
    schema_version: int = Field(default=1, ge=1, strict=True)
    course_id: str = Field(json_schema_extra={"pattern": COURSE_ID_PATTERN.pattern})
    occurred_at: datetime = Field(default_factory=utcnow, json_schema_extra={"pattern": UTC_DATETIME_PATTERN})
    actor: str = Field(min_length=1, max_length=256)
    correlation_id: EventId | None = None
    causation_id: EventId | None = None
    payload: Payload

    @field_validator("course_id")
    @classmethod
    def _course_id_is_subject_safe(cls, value: str) -> str:
        if not is_course_id(value):
            raise ValueError("course_id must be 1-64 characters of letters, digits, '-' or '_'")
        return value

    @field_validator("occurred_at")
    @classmethod
    def _occurred_at_is_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("occurred_at must carry a timezone (UTC)")
        return value.astimezone(timezone.utc)

    @classmethod
    def type_name(cls) -> str:
        return cls.model_fields["event_type"].default

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    def reacting(self, event_cls: type["Event"], key: str, actor: str, **payload: Any) -> "Event":
        """Build the event a service emits in reaction to this one, with a deterministic id."""
        return event_cls(
            event_id=derived_event_id(self.event_id, f"{event_cls.type_name()}:{key}"),
            course_id=self.course_id,
            actor=actor,
            correlation_id=self.correlation_id or self.event_id,
            causation_id=self.event_id,
            payload=event_cls.model_fields["payload"].annotation(**payload),
        )
