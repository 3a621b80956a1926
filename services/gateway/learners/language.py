"""The language of the version of a course a cohort was assigned, as its learners read it: what its
stage 4 run said (CourseGenerated: the course's language and the language its text is in), with
the direction and the note the author's reader shows (shared/course_labels.py)."""
from __future__ import annotations

from typing import Any

from shared.course_labels import language_fields
from shared.course_versions import course_versions
from shared.events.catalogue import CourseGenerated


async def version_language(c, course_id: str, number: int) -> dict[str, Any]:
    """{language, content_language, dir, language_note} of version `number` (all none when it has no such version)."""
    events = (await c.histories.load(course_id)).events
    versions = course_versions(events)
    task_id = versions[number - 1].task_id if 1 <= number <= len(versions) else None
    generated = next((e.payload for e in reversed(events)
                      if isinstance(e, CourseGenerated) and e.payload.task_id == task_id), None)
    return language_fields(generated.language if generated else None,
                           generated.content_language if generated else None)
