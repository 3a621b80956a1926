"""The one place that maps event classes to NATS subjects: <root>.<course_id>.<EventType>, the root
each event class declares (SUBJECT_ROOT): `course` for a course's own history — what its commands
decide on with optimistic concurrency over `course.<id>.>`, what a fork inherits, what the stage
services fold — and `learning` for what its learners do with it (questions asked, …), which would
otherwise grow every command's history and race with its appends."""
from __future__ import annotations

from .catalogue import CATALOGUE
from .envelope import COURSE_ID_PATTERN, Event

ROOT = Event.SUBJECT_ROOT
# Every root an event class declares, the course's own first.
ROOTS = tuple(dict.fromkeys([ROOT, *(cls.SUBJECT_ROOT for cls in CATALOGUE)]))
ALL_COURSES = f"{ROOT}.>"
# Every subject of the stream: what the projection reads.
ALL_EVENTS = [f"{root}.>" for root in ROOTS]


def subject_for(event: Event) -> str:
    return f"{type(event).SUBJECT_ROOT}.{event.course_id}.{event.event_type}"


def course_subjects(course_id: str) -> str:
    """Every subject of one course: the filter for its history and its optimistic concurrency."""
    if not COURSE_ID_PATTERN.fullmatch(course_id):
        raise ValueError(f"not a valid course id: {course_id!r}")
    return f"{ROOT}.{course_id}.>"


def subject_of(course_id: str, event_cls: type[Event]) -> str:
    """One course's events of one type."""
    if not COURSE_ID_PATTERN.fullmatch(course_id):
        raise ValueError(f"not a valid course id: {course_id!r}")
    return f"{event_cls.SUBJECT_ROOT}.{course_id}.{event_cls.type_name()}"


def subject_of_type(event_cls: type[Event]) -> str:
    """Every course's events of one type: what a stage service subscribes to."""
    if event_cls not in CATALOGUE:
        raise ValueError(f"{event_cls.__name__} is not in the event catalogue")
    return f"{event_cls.SUBJECT_ROOT}.*.{event_cls.type_name()}"


def subject_template(event_cls: type[Event]) -> str:
    """The subject of one event type with the course id as a named parameter, for contracts."""
    if event_cls not in CATALOGUE:
        raise ValueError(f"{event_cls.__name__} is not in the event catalogue")
    return f"{event_cls.SUBJECT_ROOT}.{{course_id}}.{event_cls.type_name()}"


def type_from_subject(subject: str) -> str:
    parts = subject.split(".")
    if len(parts) != 3 or parts[0] not in ROOTS:
        raise ValueError(f"not a course event subject: {subject!r}")
    return parts[2]


def course_from_subject(subject: str) -> str | None:
    """The course of a <root>.<course_id>.<EventType> subject; None for any other subject."""
    parts = subject.split(".")
    valid = len(parts) == 3 and parts[0] in ROOTS and COURSE_ID_PATTERN.fullmatch(parts[1])
    return parts[1] if valid else None
