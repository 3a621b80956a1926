"""Queries over `course_edits`: a course's edits, in log order, as shared/course_edits.py folds them.
Callers check the course is visible first."""
from __future__ import annotations

import json

import asyncpg

from shared.course_edits import Edit

from ..projection.schema import checked


class EditReader:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._s = pool, checked(schema)

    async def edits(self, course_id: str) -> list[Edit]:
        rows = await self._pool.fetch(
            f"""SELECT event_id, seq, kind, payload, actor, edited_at, undone_by, undone_actor, undone_at
                FROM {self._s}.course_edits WHERE course_id = $1 ORDER BY seq""", course_id)
        return [Edit(r["event_id"], r["kind"], json.loads(r["payload"]), r["actor"], r["edited_at"], r["seq"],
                     r["undone_by"], r["undone_actor"], r["undone_at"]) for r in rows]
