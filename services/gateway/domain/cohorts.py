"""Teaching a course to a cohort (issue 46), pure: which modules a release schedule has released on
a day, when the next comes, a learner's progress in a course and the mentor's view of a cohort, all
from rows the read tables hold. No clock is read here: the day is an argument."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Schedule:
    """One module every `every_days` days from `start`; None for both: every module at once."""
    every_days: int | None = None
    start: date | None = None

    def released(self, total: int, today: date) -> int:
        """How many of `total` modules are released on `today`: the first on `start`, one more each
        `every_days` days after."""
        if self.every_days is None or self.start is None:
            return total
        if today < self.start:
            return 0
        return min(total, (today - self.start).days // self.every_days + 1)

    def next_release(self, total: int, today: date) -> date | None:
        """The day the next module is released; None when every module is."""
        count = self.released(total, today)
        if count >= total or self.every_days is None or self.start is None:
            return None
        return self.start + timedelta(days=count * self.every_days)

    def released_on(self, position: int) -> date | None:
        """The day module `position` (1-based) is released; None: with the others, at once."""
        if self.every_days is None or self.start is None:
            return None
        return self.start + timedelta(days=(position - 1) * self.every_days)


@dataclass(frozen=True)
class Activity:
    """One learner_activity row: a module read, a question answered, or a module completed."""
    learner: str
    module_id: str
    kind: str
    seq: int
    at: datetime
    question: int | None = None
    choice: int | None = None
    correct: bool | None = None


@dataclass
class ModuleProgress:
    module_id: str
    read: bool = False
    completed: bool = False
    # The first answer given to each question (a later answer to it is practice, not the score).
    first_answers: dict[int, Activity] = field(default_factory=dict)
    last_activity: datetime | None = None

    @property
    def answered(self) -> int:
        return len(self.first_answers)

    @property
    def correct(self) -> int:
        return sum(1 for a in self.first_answers.values() if a.correct)


def progress_of(activity: Iterable[Activity]) -> dict[str, ModuleProgress]:
    """Each module's progress, from one learner's activity in one course (any order)."""
    found: dict[str, ModuleProgress] = {}
    for a in sorted(activity, key=lambda a: a.seq):
        module = found.setdefault(a.module_id, ModuleProgress(a.module_id))
        if a.kind == "read":
            module.read = True
        elif a.kind == "completed":
            module.completed = True
        elif a.kind == "answer" and a.question is not None:
            module.first_answers.setdefault(a.question, a)
        module.last_activity = a.at if module.last_activity is None else max(module.last_activity, a.at)
    return found


def is_complete(module: ModuleProgress, question_count: int) -> bool:
    """Read, and every question of it answered."""
    return module.read and all(q in module.first_answers for q in range(question_count))


@dataclass(frozen=True)
class Missed:
    module_id: str
    question: int
    wrong: int
    answered: int
    most_chosen: int | None  # the wrong option chosen most often


def most_missed(activity: Iterable[Activity], limit: int = 10) -> list[Missed]:
    """The questions most often answered wrong at first answer across learners, worst first."""
    firsts: dict[tuple[str, str, int], Activity] = {}
    for a in sorted(activity, key=lambda a: a.seq):
        if a.kind == "answer" and a.question is not None:
            firsts.setdefault((a.learner, a.module_id, a.question), a)
    by_question: dict[tuple[str, int], list[Activity]] = {}
    for (_, module_id, question), a in firsts.items():
        by_question.setdefault((module_id, question), []).append(a)
    found = []
    for (module_id, question), answers in by_question.items():
        wrong = [a for a in answers if not a.correct]
        if not wrong:
            continue
        chosen: dict[int, int] = {}
        for a in wrong:
            if a.choice is not None:
                chosen[a.choice] = chosen.get(a.choice, 0) + 1
        most = max(sorted(chosen), key=lambda c: chosen[c]) if chosen else None
        found.append(Missed(module_id, question, len(wrong), len(answers), most))
    found.sort(key=lambda m: (-m.wrong / m.answered, -m.wrong, m.module_id, m.question))
    return found[:limit]


def inactive_since(last: datetime | None, now: datetime, days: int) -> bool:
    """Whether a learner whose last activity was `last` (None: never) has been idle `days` days."""
    return last is None or now - last >= timedelta(days=days)


def module_ids_released(module_ids: Sequence[str], schedule: Schedule, today: date) -> list[str]:
    return list(module_ids[:schedule.released(len(module_ids), today)])
