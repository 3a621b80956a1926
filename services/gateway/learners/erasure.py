"""Erasing a cohort member's personal data (docs/learners.md): crypto-shredding over the key store."""
from __future__ import annotations

from shared.events import derived_event_id
from shared.events.cohort_events import (
    LearnerProgressErased, LearnerProgressErasedPayload, MemberErased, MemberErasedPayload,
)


async def erase_person(c, user_id: str, actor: str) -> bool:
    """Tell each cohort and course the person was in to forget their rows (so a replay rebuilds the
    tables without them), then destroy their key: from then on nothing sealed for them opens, in the
    log, its copies and its backups. In that order, an erasure cut short between the two is finished
    by asking again (the key, and so the reference, are still there; the events are the same ones).
    False when the person was never named (or is erased already)."""
    ref = await c.people.ref_of(user_id)
    if ref is None:
        return False
    cohorts, courses = await c.cohorts.cohorts_of(ref), await c.cohorts.courses_with_activity(ref)
    # The actor is the reference, not the person: the erasure's own events name no one.
    by = ref if actor == user_id else actor
    for cohort_id in cohorts:
        await c.commands.record(MemberErased(event_id=derived_event_id(f"erased:{ref}", cohort_id),
                                             course_id=cohort_id, actor=by,
                                             payload=MemberErasedPayload(member=ref)))
    for course_id in courses:
        await c.commands.record(LearnerProgressErased(event_id=derived_event_id(f"erased:{ref}", course_id),
                                                      course_id=course_id, actor=by,
                                                      payload=LearnerProgressErasedPayload(learner=ref)))
    await c.people.erase(user_id)
    return True
