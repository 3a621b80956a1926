"""Queries over the projection. Only the owner (or an admin) sees a course."""
from __future__ import annotations

from typing import Any

import asyncpg

from ..domain.lineage import StageResult
from ..projection.schema import checked
from .stage_reader import lineage_columns, lineage_of

COURSE_COLUMNS = ("course_id, user_id, title, description, language, status, repo_url, repo_name, repo_commit, "
                  "revision, created_at, updated_at")
_COURSE_KEYS = tuple(c.strip() for c in COURSE_COLUMNS.split(","))


class CourseReader:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._s = pool, checked(schema)

    async def list_with_lineage(self, user_id: str, limit: int, offset: int
                                ) -> list[tuple[dict[str, Any], dict[str, StageResult], dict[str, str]]]:
        """`list_for` with each course's lineage (stage_reader.lineage_columns), in one round trip."""
        rows = await self._pool.fetch(
            f"""SELECT {COURSE_COLUMNS}, {lineage_columns(self._s, 'c.course_id')}
                FROM {self._s}.courses c WHERE user_id = $1
                ORDER BY created_at DESC, course_id LIMIT $2 OFFSET $3""",
            user_id, limit, offset,
        )
        return [({k: r[k] for k in _COURSE_KEYS}, *lineage_of(r)) for r in rows]

    async def get(self, course_id: str, user_id: str, is_admin: bool) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT {COURSE_COLUMNS} FROM {self._s}.courses WHERE course_id = $1", course_id
        )
        if row is None or not (is_admin or row["user_id"] == user_id):
            return None
        return dict(row)

    async def checkpoint(self) -> int:
        return await self._pool.fetchval(
            f"SELECT stream_seq FROM {self._s}.projection_checkpoint WHERE id = 1"
        )

    async def version(self) -> tuple[int, str]:
        """The read tables' version (answer_cache.py): the checkpoint and the transaction that wrote it."""
        row = await self._pool.fetchrow(
            f"SELECT stream_seq, xmin::text AS written_by FROM {self._s}.projection_checkpoint WHERE id = 1")
        return row["stream_seq"], row["written_by"]
