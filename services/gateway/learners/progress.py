"""Reading learners' progress for the people who teach them: the cohort's members opened with their
keys (an erased member has none, and is not shown), and the mentor's table of learners × modules."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..domain.cohorts import ModuleProgress, Schedule, inactive_since, is_complete, most_missed, progress_of
from .content import questions_of, version_modules
from .personal_data import Unreadable, open_sealed


@dataclass(frozen=True)
class Member:
    ref: str
    user_id: str
    email: str | None
    role: str
    added_at: datetime


async def opened_members(c, cohort_id: str) -> list[Member]:
    rows = await c.cohorts.members(cohort_id)
    keys = await c.people.keys_of([r["member_ref"] for r in rows])
    found = []
    for r in rows:
        key = keys.get(r["member_ref"])
        if key is None:
            continue  # erased: nothing of them can be read
        try:
            data = open_sealed(key, r["member_ref"], r["sealed"])
        except Unreadable:
            continue
        found.append(Member(r["member_ref"], str(data.get("user_id")), data.get("email"), r["role"], r["added_at"]))
    return found


def module_progress(module: dict[str, Any], p: ModuleProgress | None) -> dict[str, Any]:
    """One learner's progress in one module, as the learner and the mentor's table show it."""
    total = len(questions_of(module))
    return {"module_id": module["module_id"], "read": bool(p and p.read), "answered": p.answered if p else 0,
            "correct": p.correct if p else 0, "questions": total,
            "completed": bool(p and (p.completed or is_complete(p, total))),
            "last_activity": p.last_activity if p else None}


async def cohort_progress(c, cohort_id: str, inactive_days: int) -> dict[str, Any]:
    now = c.clock()
    learners = [m for m in await opened_members(c, cohort_id) if m.role == "learner"]
    activity = await c.cohorts.cohort_activity(cohort_id)
    courses = []
    for assigned in await c.cohorts.courses(cohort_id):
        course_id = assigned["course_id"]
        modules = await version_modules(c, course_id, assigned["version"])
        schedule = Schedule(assigned["release_every_days"], assigned["release_start"])
        released = schedule.released(len(modules), now.date())
        questions = {m["module_id"]: questions_of(m) for m in modules[:released]}
        done = [a for a in activity.get(course_id, []) if a.learner in {m.ref for m in learners}]
        rows = []
        for learner in learners:
            mine = progress_of(a for a in done if a.learner == learner.ref)
            cells = [module_progress(m, mine.get(m["module_id"])) for m in modules[:released]]
            last = max((cell["last_activity"] for cell in cells if cell["last_activity"]), default=None)
            answered = sum(cell["answered"] for cell in cells)
            rows.append({"user_id": learner.user_id, "email": learner.email, "modules": cells,
                         "read": sum(cell["read"] for cell in cells),
                         "score": {"correct": sum(cell["correct"] for cell in cells), "answered": answered,
                                   "questions": sum(cell["questions"] for cell in cells)},
                         "last_activity": last, "inactive": inactive_since(last, now, inactive_days)})
        by_id = {m["module_id"]: m for m in modules}
        missed = []
        for miss in most_missed(done):
            module = by_id.get(miss.module_id)
            qs = questions.get(miss.module_id, [])
            question = qs[miss.question] if miss.question < len(qs) else None
            chosen = (question.options[miss.most_chosen] if question and miss.most_chosen is not None
                      and miss.most_chosen < len(question.options) else None)
            missed.append({"module_id": miss.module_id, "module_title": module["title"] if module else None,
                           "question": miss.question, "prompt": question.prompt if question else None,
                           "wrong": miss.wrong, "answered": miss.answered, "most_chosen": chosen})
        courses.append({"course_id": course_id, "title": assigned["title"], "version": assigned["version"],
                        "released": released, "total": len(modules),
                        "modules": [{"module_id": m["module_id"], "position": m["position"], "title": m["title"]}
                                    for m in modules[:released]],
                        "learners": rows, "most_missed": missed,
                        "inactive": [r["user_id"] for r in rows if r["inactive"]]})
    return {"cohort_id": cohort_id, "inactive_days": inactive_days, "as_of": now.astimezone(timezone.utc),
            "courses": courses}
