"""The course's language as its author asked it, folded from the course's events, and the line a
stage's prompt says about it: stages 2 and 3 write text the learner reads (summaries, objectives,
module titles and descriptions) and ask for it in the course's language, as stage 4 does
(services/modules/course_language.py). Pure."""
from __future__ import annotations

from typing import Iterable

from shared.events import Event
from shared.events.catalogue import CourseCreated, CourseForked, CourseUpdated


def asked_language(events: Iterable[Event], until_event_id: str | None = None) -> str | None:
    """The BCP 47 tag the course's author asked for as of the event `until_event_id` (the run's
    request: a redelivery asks as the first delivery did), None: the sources' language. An update
    without a language keeps it; a fork starts with none (its sources')."""
    language: str | None = None
    for event in events:
        if isinstance(event, CourseUpdated):
            language = event.payload.language or language
        elif isinstance(event, (CourseCreated, CourseForked)):
            language = getattr(event.payload, "language", None)
        if until_event_id is not None and event.event_id == until_event_id:
            break
    return language


def write_in(language: str | None, what: str, keep: str) -> str:
    """The prompt's line asking `what` in `language` and `keep` as the sources have it ("" for none:
    the model then writes as the sources do). One short line: the prompts' sizes are calibrated."""
    if not language:
        return ""
    return (f"Write {what} in the language with BCP 47 tag {language!r}, whatever the language of the "
            f"sources; keep {keep} exactly as the sources have them.")
