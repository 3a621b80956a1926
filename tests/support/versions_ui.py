"""The course page's Versions panel in the browser tests: a course written through the REST API of a
running system (`coursegen run`) from a local repository the test then changes (the checks every
page is held to: tests/support/page_checks.py)."""
from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.gitrepos import COURSE_REPO, commit
from tests.support.reader_course import dev_headers, written_course

# The document the refresh tests change, and the section they add to it.
CHANGED_DOCUMENT = "docs/guides/publishing.md"
ADDED_SECTION = ("\n## Compress messages\n\nSet `compression='zstd'` on the producer to compress every batch "
                 "before it is sent.\n")

async def api_written_course(system, user: str, repo: Path, title: str) -> dict:
    """A course of `user`'s written through all four stages from `repo` by the running `system`:
    GET generated-course's answer with `course_id`."""
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, user)
        return await written_course(api, headers, repo, title)


async def course_versions(system, user: str, course_id: str) -> list[dict]:
    """GET …/versions as `user`: newest first."""
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, user)
        response = await api.get(f"/api/courses/{course_id}/versions", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["versions"]


def change_a_document(repo: Path) -> str:
    """Commit a new section to CHANGED_DOCUMENT; returns the commit's sha."""
    return commit(repo, {CHANGED_DOCUMENT: COURSE_REPO[CHANGED_DOCUMENT] + ADDED_SECTION}, "document compression")
