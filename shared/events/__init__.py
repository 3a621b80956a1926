"""Event contracts shared by every service."""
from .catalogue import *  # noqa: F401,F403 - the catalogue is the public surface
from .catalogue import CATALOGUE
from .correlation import correlation_for, new_task_id, run_of
from .codec import EVENT_TYPES, PoisonEvent, decode_event, decode_stored, register_upcaster
from .envelope import COURSE_ID_PATTERN, Event, Payload, derived_event_id, new_event_id, utcnow
from .subjects import ALL_COURSES, ALL_EVENTS, course_subjects, subject_for, subject_of_type

__all__ = [
    "ALL_COURSES", "ALL_EVENTS", "CATALOGUE", "COURSE_ID_PATTERN", "EVENT_TYPES", "Event", "Payload",
    "PoisonEvent", "correlation_for", "course_subjects", "decode_event", "decode_stored", "derived_event_id", "new_event_id",
    "new_task_id", "register_upcaster", "run_of", "subject_for", "subject_of_type", "utcnow",
]
