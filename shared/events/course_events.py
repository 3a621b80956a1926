"""The events of a course's life and of any stage's run (catalogue.py lists every event)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field


from .envelope import Event, Payload
from .publishers import BY_EVERY_STAGE, BY_GATEWAY, GATEWAY, STAGE_SERVICES, by
from .fields import Description, Language, Stage, Title


# --- course -----------------------------------------------------------------------------------
class CourseCreatedPayload(Payload):
    owner_id: str = Field(min_length=1, max_length=256)
    title: str = Title
    description: str = Description
    language: str | None = Language


class CourseCreated(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["CourseCreated"] = "CourseCreated"
    payload: CourseCreatedPayload


class CourseUpdatedPayload(Payload):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    language: str | None = Language
    revision: int = Field(ge=2, description="the course's metadata revision after this update")


class CourseUpdated(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["CourseUpdated"] = "CourseUpdated"
    payload: CourseUpdatedPayload


class CourseDeletedPayload(Payload):
    reason: str = ""


class CourseDeleted(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["CourseDeleted"] = "CourseDeleted"
    payload: CourseDeletedPayload


# --- any stage ----------------------------------------------------------------------------------
class StageStartedPayload(Payload):
    stage: Stage
    task_id: str


class StageStarted(Event):
    PUBLISHED_BY = BY_EVERY_STAGE
    event_type: Literal["StageStarted"] = "StageStarted"
    payload: StageStartedPayload


class StageProgressedPayload(Payload):
    stage: Stage
    task_id: str
    progress_percentage: int = Field(ge=0, le=100)
    current_step: str = Field(max_length=1000)


class StageProgressed(Event):
    PUBLISHED_BY = BY_EVERY_STAGE
    event_type: Literal["StageProgressed"] = "StageProgressed"
    payload: StageProgressedPayload


class StageFailedPayload(Payload):
    stage: Stage
    task_id: str
    error_message: str = Field(max_length=4000)


class StageFailed(Event):
    PUBLISHED_BY = by(GATEWAY, *STAGE_SERVICES)  # and the gateway's watchdog
    event_type: Literal["StageFailed"] = "StageFailed"
    payload: StageFailedPayload


class StageCancelledPayload(Payload):
    stage: Stage
    task_id: str
    reason: str = ""


class StageCancelled(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["StageCancelled"] = "StageCancelled"
    payload: StageCancelledPayload


# A retry is no event of its own: it is the stage's request event again, with payload.retry_of.
