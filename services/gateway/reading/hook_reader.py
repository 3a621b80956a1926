"""Which courses a repository's push may concern, from the read tables: `courses.repo_url` holds the
repository of each course's last successful stage 1 (projection/stage1_handlers.py). Candidates
only — the command decides on each course's history whether its current version follows the
pushed branch (domain/webhooks.refresh_on_push)."""
from __future__ import annotations

from typing import Iterable

import asyncpg

from shared.repos.policy import repo_name

from ..domain.webhooks import repository_key
from ..projection.schema import checked


class HookReader:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._s = pool, checked(schema)

    async def courses_on(self, repository_urls: Iterable[str]) -> list[str]:
        """Ids of every course (all owners) whose repository is one of these URLs, however written."""
        urls = list(repository_urls)
        keys = {key for key in map(repository_key, urls) if key is not None}
        if not keys:
            return []
        # `repo_name` is the URL's last path component (what the clone service recorded, by the
        # same function): it narrows the rows in SQL; the full comparison is the key's.
        names = sorted({repo_name(url).lower() for url in urls})
        rows = await self._pool.fetch(
            f"""SELECT course_id, repo_url FROM {self._s}.courses
                WHERE lower(repo_name) = ANY($1::text[]) ORDER BY course_id""", names)
        return [row["course_id"] for row in rows if repository_key(row["repo_url"]) in keys]
