"""Read tables are disposable: a gateway that finds an older table layout rebuilds it from the log
at start-up, and serves the same rows in the new layout."""
from __future__ import annotations

import asyncpg

from tests.support.gateway import auth, running_gateway


async def test_older_layout_is_rebuilt_by_replay_at_start(settings):
    async with running_gateway(settings) as api:
        created = await api.post("/api/projects/", json={"title": "kept"}, headers=auth("alice"))
        course_id = created.json()["course_id"]
    conn = await asyncpg.connect(settings.database_url)
    try:
        # What an earlier release left behind: no layout marker, a column missing.
        await conn.execute("DROP TABLE coursegen.projection_meta")
        await conn.execute("ALTER TABLE coursegen.courses DROP COLUMN repo_commit")
    finally:
        await conn.close()

    async with running_gateway(settings) as api:
        got = await api.get(f"/api/projects/{course_id}", headers=auth("alice"))
        assert got.status_code == 200 and got.json()["title"] == "kept"
    conn = await asyncpg.connect(settings.database_url)
    try:
        columns = {r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'coursegen' AND table_name = 'courses'")}
        assert "repo_commit" in columns
        schemas = {r["nspname"] for r in await conn.fetch("SELECT nspname FROM pg_namespace")}
        assert not [s for s in schemas if s.startswith("coursegen_")]  # no leftovers of the swap
    finally:
        await conn.close()
