"""How the learning side's events change the read tables (fold.py applies them, live and on replay,
like every other): a cohort's own rows — a cohort is a history of its own, whose CourseRows keeps
`row` None and `cohort` set — and a learner's progress in a course, one row per client action, a
resend changing nothing. Every change is idempotent and uses event time only."""
from __future__ import annotations

from shared.events.cohort_events import ModuleCompleted, QuestionAnswered

from .rows import CourseRows


# --- cohorts: who is taught which course -------------------------------------------------------


def cohort_created(c: CourseRows, e, seq: int) -> None:
    if not c.exists:
        c.cohort = (e.course_id, e.payload.owner_id, e.payload.name, e.occurred_at)


def member_added(c: CourseRows, e, seq: int) -> None:
    if c.cohort is not None:
        p = e.payload
        held = c.members.get(p.member)
        c.members[p.member] = (e.course_id, p.member, p.role, p.sealed, held[4] if held else e.occurred_at)


def member_gone(c: CourseRows, e, seq: int) -> None:
    c.members.pop(e.payload.member, None)


def course_assigned(c: CourseRows, e, seq: int) -> None:
    if c.cohort is not None:
        p = e.payload
        held = c.assigned.get(p.course_id)
        every, start = (p.release.every_days, p.release.start) if p.release else (None, None)
        c.assigned[p.course_id] = (e.course_id, p.course_id, p.version, every, start,
                                   held[5] if held else e.occurred_at)


def release_scheduled(c: CourseRows, e, seq: int) -> None:
    p = e.payload
    held = c.assigned.get(p.course_id)
    if held is not None:
        every, start = (p.release.every_days, p.release.start) if p.release else (None, None)
        c.assigned[p.course_id] = (*held[:3], every, start, held[5])


# --- a learner's progress in a course: one row per client action, a resend changing nothing ---


def progressed(c: CourseRows, e, seq: int) -> None:
    p = e.payload
    if isinstance(e, ModuleCompleted):
        # ":" is in no client id: one completion row per module, apart from the actions
        key, kind, question, choice, correct = f"completed:{p.module_id}", "completed", None, None, None
    elif isinstance(e, QuestionAnswered):
        key, kind, question, choice, correct = p.client_id, "answer", p.question, p.choice, p.correct
    else:
        key, kind, question, choice, correct = p.client_id, "read", None, None, None
    if c.row is not None and (p.learner, key) not in c.activity:
        c.activity[(p.learner, key)] = (e.course_id, p.learner, key, seq, p.cohort_id, p.module_id, kind,
                                        question, choice, correct, e.occurred_at)


def progress_erased(c: CourseRows, e, seq: int) -> None:
    for key in [key for key in c.activity if key[0] == e.payload.learner]:
        del c.activity[key]
