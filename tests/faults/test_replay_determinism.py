"""After a whole pipeline run with a failed clone, a second clone, a cancelled and retried
analysis, pathways, a choice and a generated course, dropping the read tables and replaying the
log rebuilds every table identically (compared table by table, row by row)."""
from __future__ import annotations

import pytest

from services.gateway.projection.replay import replay
from tests.support.gateway import running_gateway
from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import stage_services
from tests.support.read_tables import digest, read_tables



@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


async def test_a_replay_after_failures_and_retries_rebuilds_identical_tables(settings, services, tmp_path):
    make_repo(tmp_path / "skyline", COURSE_REPO)
    (tmp_path / "not-a-repository").mkdir()
    async with running_gateway(settings.model_copy(update={"allow_local_repos": True})) as api:
        course_id = await new_course(api)
        await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "not-a-repository")})
        assert (await wait_for_stage(api, course_id, "stage1"))["status"] == "FAILURE"
        await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "skyline")})
        assert (await wait_for_stage(api, course_id, "stage1"))["status"] == "SUCCESS"
        await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                       json={"selected_folders": ["docs"], "overview_document": "README.md"})
        await start(api, course_id, "analyze-documents", {"complexity_level": "advanced"})
        await api.post(f"/api/courses/{course_id}/stage2/cancel", headers=ALICE)  # may come after success
        if (await wait_for_stage(api, course_id, "stage2"))["status"] == "CANCELLED":
            assert (await api.post(f"/api/courses/{course_id}/stage2/retry", headers=ALICE)).status_code == 202
            assert (await wait_for_stage(api, course_id, "stage2"))["status"] == "SUCCESS"
        await start(api, course_id, "generate-pathways", {})
        assert (await wait_for_stage(api, course_id, "stage3"))["status"] == "SUCCESS"
        pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
        await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                       json={"selected_pathway_id": pathways[-1]["id"]})
        await start(api, course_id, "generate-course", {})
        assert (await wait_for_stage(api, course_id, "stage4", timeout=90))["status"] == "SUCCESS"

        c = api.app.state.container
        live = await read_tables(c.pool, c.settings.read_schema)
        assert live["module_content"] and live["analyzed_documents"] and live["pathways"]
        async with c.pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA {c.settings.read_schema} CASCADE")
        await replay(c.js, c.pool, c.settings.read_schema, c.settings.stream_name)
        assert digest(await read_tables(c.pool, c.settings.read_schema)) == digest(live)
