"""Queries over the cohort tables and learners' progress (issue 46). Members are references here;
who they are is opened from their sealed data with the key store (learners/keys.py)."""
from __future__ import annotations

from typing import Any

import asyncpg

from ..domain.cohorts import Activity, Schedule
from ..projection.schema import checked

_ACTIVITY = "learner_ref, module_id, kind, seq, at, question, choice, correct"


def _activity(r) -> Activity:
    return Activity(r["learner_ref"], r["module_id"], r["kind"], r["seq"], r["at"], r["question"], r["choice"],
                    r["correct"])


def schedule_of(row) -> Schedule:
    return Schedule(row["release_every_days"], row["release_start"])


class CohortReader:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._s = pool, checked(schema)

    async def cohort(self, cohort_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(f"SELECT * FROM {self._s}.cohorts WHERE cohort_id = $1", cohort_id)
        return dict(row) if row else None

    async def owned_by(self, user_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"SELECT * FROM {self._s}.cohorts WHERE owner_id = $1 ORDER BY created_at, cohort_id", user_id)
        return [dict(r) for r in rows]

    async def role_in(self, cohort_id: str, ref: str | None) -> str | None:
        if ref is None:
            return None
        return await self._pool.fetchval(
            f"SELECT role FROM {self._s}.cohort_members WHERE cohort_id = $1 AND member_ref = $2", cohort_id, ref)

    async def memberships(self, ref: str) -> list[dict[str, Any]]:
        """The cohorts `ref` belongs to, with its role, and their names."""
        rows = await self._pool.fetch(
            f"SELECT m.cohort_id, m.role, c.name FROM {self._s}.cohort_members m "
            f"JOIN {self._s}.cohorts c USING (cohort_id) WHERE m.member_ref = $1 ORDER BY c.created_at", ref)
        return [dict(r) for r in rows]

    async def members(self, cohort_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"SELECT member_ref, role, sealed, added_at FROM {self._s}.cohort_members WHERE cohort_id = $1 "
            f"ORDER BY added_at, member_ref", cohort_id)
        return [dict(r) for r in rows]

    async def courses(self, cohort_id: str) -> list[dict[str, Any]]:
        """The courses assigned to the cohort that still exist, with their titles."""
        rows = await self._pool.fetch(
            f"SELECT a.*, c.title FROM {self._s}.cohort_courses a JOIN {self._s}.courses c USING (course_id) "
            f"WHERE a.cohort_id = $1 ORDER BY a.assigned_at, a.course_id", cohort_id)
        return [dict(r) for r in rows]

    async def assigned_to(self, ref: str, course_id: str | None = None) -> list[dict[str, Any]]:
        """The courses assigned to the cohorts `ref` is a member of, with its role there; of one course
        if `course_id` is given (a course assigned to two of its cohorts: the earliest assignment)."""
        rows = await self._pool.fetch(
            f"SELECT DISTINCT ON (a.course_id) a.*, c.title, c.description, m.role, k.name AS cohort_name "
            f"FROM {self._s}.cohort_members m JOIN {self._s}.cohort_courses a USING (cohort_id) "
            f"JOIN {self._s}.cohorts k USING (cohort_id) JOIN {self._s}.courses c ON c.course_id = a.course_id "
            f"WHERE m.member_ref = $1 AND ($2::text IS NULL OR a.course_id = $2) "
            f"ORDER BY a.course_id, a.assigned_at", ref, course_id)
        return sorted((dict(r) for r in rows), key=lambda r: (r["assigned_at"], r["course_id"]))

    async def activity(self, course_id: str, ref: str) -> list[Activity]:
        rows = await self._pool.fetch(
            f"SELECT {_ACTIVITY} FROM {self._s}.learner_activity WHERE course_id = $1 AND learner_ref = $2 "
            f"ORDER BY seq", course_id, ref)
        return [_activity(r) for r in rows]

    async def cohort_activity(self, cohort_id: str) -> dict[str, list[Activity]]:
        """Every course of the cohort: its current members' activity in it (any cohort's: a learner's
        progress in a course is theirs, wherever they made it)."""
        rows = await self._pool.fetch(
            f"SELECT l.course_id, {', '.join('l.' + c.strip() for c in _ACTIVITY.split(','))} "
            f"FROM {self._s}.cohort_courses a "
            f"JOIN {self._s}.cohort_members m ON m.cohort_id = a.cohort_id "
            f"JOIN {self._s}.learner_activity l ON l.course_id = a.course_id AND l.learner_ref = m.member_ref "
            f"WHERE a.cohort_id = $1 ORDER BY l.seq", cohort_id)
        found: dict[str, list[Activity]] = {}
        for r in rows:
            found.setdefault(r["course_id"], []).append(_activity(r))
        return found

    async def courses_with_activity(self, ref: str) -> list[str]:
        rows = await self._pool.fetch(
            f"SELECT DISTINCT course_id FROM {self._s}.learner_activity WHERE learner_ref = $1", ref)
        return [r["course_id"] for r in rows]

    async def made_from(self, course_id: str) -> tuple:
        """What a course's modules as its readers see them are made from, as the read tables hold it:
        its last stage 4 run and its edits (how many, the last, how many undone). Equal between two
        reads: the modules did not change."""
        row = await self._pool.fetchrow(
            f"SELECT (SELECT task_id FROM {self._s}.generated_courses WHERE course_id = $1), count(e.seq), "
            f"max(e.seq), count(e.undone_by) FROM {self._s}.course_edits e WHERE e.course_id = $1", course_id)
        return tuple(row)

    async def cohorts_of(self, ref: str) -> list[str]:
        rows = await self._pool.fetch(
            f"SELECT cohort_id FROM {self._s}.cohort_members WHERE member_ref = $1", ref)
        return [r["cohort_id"] for r in rows]
