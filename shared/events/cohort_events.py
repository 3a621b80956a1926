"""The events of teaching a course (issue 46): cohorts of learners and mentors, the courses assigned
to them with their release schedule, and each learner's progress (catalogue.py lists every event).

A cohort is its own history: its events go on `cohort.<cohort_id>.<EventType>` (the envelope's
`course_id` is the id of the history an event belongs to, here the cohort's). A learner's progress
in a course goes on `learning.<course_id>.<EventType>`, beside the questions they ask of it.

Personal data never appears in clear: a member is named by `member`, a random reference that only
the gateway's key store links to a person, and who they are (user id, email) travels `sealed` with
that person's own key. Destroying the key (erasure) leaves every copy of these events unreadable,
the log's backups included (docs/learners.md)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from .envelope import Event, Payload
from .publishers import BY_GATEWAY
from .tutor_events import LEARNING

COHORT = "cohort"  # their subjects: cohort.<cohort_id>.<EventType> (subjects.py)

Role = Literal["learner", "mentor"]
MemberRef = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$", description=(
    "the member's reference: random, linked to a person only by the gateway's key store"))
Sealed = Field(min_length=1, max_length=4096, description=(
    "the member's personal data (user id, email) encrypted with their own key (URL-safe base64)"))


class Release(Payload):
    every_days: int = Field(ge=1, le=365, description="one more module every this many days")
    start: date = Field(description="the day the first module is released (UTC)")


class CohortCreatedPayload(Payload):
    owner_id: str = Field(min_length=1, max_length=256)
    name: str = Field(min_length=1, max_length=200)


class CohortCreated(Event):
    """A course owner made a cohort: a group of learners and mentors their courses are taught to."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = COHORT
    event_type: Literal["CohortCreated"] = "CohortCreated"
    payload: CohortCreatedPayload


class MemberAddedPayload(Payload):
    member: str = MemberRef
    role: Role
    sealed: str = Sealed


class MemberAdded(Event):
    """A person joined a cohort as a learner or a mentor (again: their role changes)."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = COHORT
    event_type: Literal["MemberAdded"] = "MemberAdded"
    payload: MemberAddedPayload


class MemberRemovedPayload(Payload):
    member: str = MemberRef


class MemberRemoved(Event):
    """A person left a cohort; their progress in its courses stays theirs."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = COHORT
    event_type: Literal["MemberRemoved"] = "MemberRemoved"
    payload: MemberRemovedPayload


class CourseAssignedPayload(Payload):
    course_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    version: int = Field(ge=1, description="the course's version its learners read")
    release: Release | None = Field(default=None, description="none: every module at once")


class CourseAssigned(Event):
    """A course (one of its versions) is taught to a cohort."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = COHORT
    event_type: Literal["CourseAssigned"] = "CourseAssigned"
    payload: CourseAssignedPayload


class ReleaseScheduledPayload(Payload):
    course_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    release: Release | None = Field(default=None, description="none: every module at once")


class ReleaseScheduled(Event):
    """The release schedule of a course assigned to a cohort changed."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = COHORT
    event_type: Literal["ReleaseScheduled"] = "ReleaseScheduled"
    payload: ReleaseScheduledPayload


class MemberErasedPayload(Payload):
    member: str = MemberRef


class MemberErased(Event):
    """A member's personal data was erased (their key destroyed): the cohort's tables forget them."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = COHORT
    event_type: Literal["MemberErased"] = "MemberErased"
    payload: MemberErasedPayload


# --- progress: learning.<course_id>.<EventType> ---------------------------------------------------

ClientId = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$", description=(
    "made by the client for this action: a resend with the same id changes nothing"))


class ModuleReadPayload(Payload):
    learner: str = MemberRef
    cohort_id: str = Field(min_length=1, max_length=64)
    module_id: str = Field(min_length=1, max_length=200)
    client_id: str = ClientId


class ModuleRead(Event):
    """A learner opened a module and read it."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = LEARNING
    event_type: Literal["ModuleRead"] = "ModuleRead"
    payload: ModuleReadPayload


class QuestionAnsweredPayload(Payload):
    learner: str = MemberRef
    cohort_id: str = Field(min_length=1, max_length=64)
    module_id: str = Field(min_length=1, max_length=200)
    question: int = Field(ge=0, le=1000, description="the question's 0-based place in the module")
    choice: int = Field(ge=0, le=100, description="the option chosen, 0-based")
    correct: bool
    client_id: str = ClientId


class QuestionAnswered(Event):
    """A learner answered one question of a module's assessment."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = LEARNING
    event_type: Literal["QuestionAnswered"] = "QuestionAnswered"
    payload: QuestionAnsweredPayload


class ModuleCompletedPayload(Payload):
    learner: str = MemberRef
    cohort_id: str = Field(min_length=1, max_length=64)
    module_id: str = Field(min_length=1, max_length=200)
    correct: int = Field(ge=0, description="questions answered right at their first answer")
    questions: int = Field(ge=0)


class ModuleCompleted(Event):
    """A learner read a module and answered every question of it."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = LEARNING
    event_type: Literal["ModuleCompleted"] = "ModuleCompleted"
    payload: ModuleCompletedPayload


class LearnerProgressErasedPayload(Payload):
    learner: str = MemberRef


class LearnerProgressErased(Event):
    """A learner's personal data was erased: the course's tables forget their progress."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = LEARNING
    event_type: Literal["LearnerProgressErased"] = "LearnerProgressErased"
    payload: LearnerProgressErasedPayload
