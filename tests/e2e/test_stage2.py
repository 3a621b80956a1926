"""Stage 2 through the gateway with repo_clone and doc_analyser as real processes, the offline
engine, a private nats-server and PostgreSQL: analyses you can read, a re-run that costs nothing,
and the 409/422 answers."""
from __future__ import annotations

import pytest

from tests.support.gateway import auth
from tests.support.flows import ALICE, new_course, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.read_tables import read_tables, replay_live
from tests.support.processes import stage_services

SELECTED = {"README.md", "docs/index.md", "docs/getting-started.md", "docs/concepts/architecture.md",
            "docs/guides/publishing.md", "docs/reference/api.md", "docs/troubleshooting.rst"}


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url, ("repo_clone", "doc_analyser")) as running:
        yield running


@pytest.fixture
def repo(tmp_path) -> str:
    make_repo(tmp_path / "skyline", COURSE_REPO)
    return str(tmp_path / "skyline")


async def documents(api, course_id: str, **query) -> dict:
    response = await api.get(f"/api/courses/{course_id}/analyzed-documents", params=query, headers=ALICE)
    assert response.status_code == 200, response.text
    return response.json()


async def test_every_selected_document_gets_a_useful_analysis(api, services, repo):
    course_id = await scanned_and_selected(api, repo, ["docs"], overview="README.md")
    started = await start(api, course_id, "analyze-documents",
                          {"complexity_level": "beginner", "additional_info": "Focus on practical examples"})
    seen: list[int] = []
    status = await wait_for_stage(api, course_id, "stage2", seen=seen)
    assert status["status"] == "SUCCESS", status
    assert status["task_id"] == started["task_id"] and seen == sorted(seen)
    assert status["inputs"]["complexity_level"] == "beginner"
    assert status["result"]["document_count"] == 7 and status["result"]["skipped"] == []
    assert status["result"]["usage"]["provider"] == "offline" and status["result"]["usage"]["calls"] == 7

    listing = await documents(api, course_id)
    by_path = {d["file_path"]: d for d in listing["documents"]}
    assert listing["total"] == 7 and set(by_path) == SELECTED
    assert by_path["docs/getting-started.md"]["title"] == "Getting started"
    assert by_path["docs/troubleshooting.rst"]["title"] == "Troubleshooting"
    assert "docs/concepts/architecture.md" in by_path["docs/getting-started.md"]["prerequisites"]
    assert "docs/concepts/architecture.md" in by_path["docs/guides/publishing.md"]["prerequisites"]
    assert any(o.startswith("Install") for o in by_path["docs/getting-started.md"]["learning_objectives"])
    assert by_path["docs/reference/api.md"]["doc_type"] in ("reference", "api")
    for doc in listing["documents"]:
        assert doc["summary"] and doc["key_concepts"] and doc["word_count"] > 0, doc
        assert doc["complexity_level"] in ("beginner", "intermediate", "advanced")
    course = (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()
    assert course["status"] == "stage2_complete"

    reference = await documents(api, course_id, doc_type=by_path["docs/reference/api.md"]["doc_type"])
    assert "docs/reference/api.md" in {d["file_path"] for d in reference["documents"]}
    page = await documents(api, course_id, limit=2, offset=2)
    assert page["total"] == 7 and len(page["documents"]) == 2


async def test_a_rerun_on_unchanged_documents_makes_no_provider_call(api, services, repo):
    course_id = await scanned_and_selected(api, repo, ["docs"])
    body = {"complexity_level": "intermediate", "additional_info": ""}
    await start(api, course_id, "analyze-documents", body)
    first = await wait_for_stage(api, course_id, "stage2")
    assert first["status"] == "SUCCESS" and first["result"]["usage"]["calls"] == 6

    await start(api, course_id, "analyze-documents", body)
    again = await wait_for_stage(api, course_id, "stage2")
    assert again["status"] == "SUCCESS", again
    assert again["task_id"] != first["task_id"]
    assert again["result"]["cache_hits"] == 6 and again["result"]["usage"]["calls"] == 0
    cached = (await documents(api, course_id))["documents"]
    assert len(cached) == 6 and all(d["cached"] for d in cached)

    # Another audience is another question: paid for again.
    await start(api, course_id, "analyze-documents", {"complexity_level": "advanced"})
    other = await wait_for_stage(api, course_id, "stage2")
    assert other["result"]["cache_hits"] == 0 and other["result"]["usage"]["calls"] == 6

    # Three runs in the log: a rebuild from it gives the same read tables.
    c = api.app.state.container
    before = await read_tables(c.pool, c.settings.read_schema)
    assert len(before["analyzed_documents"]) == 6
    await replay_live(api)
    assert await read_tables(c.pool, c.settings.read_schema) == before


async def test_stage2_before_stage1_or_without_a_selection_is_409_with_the_reason(api, services, repo):
    course_id = await new_course(api)
    early = await api.post(f"/api/courses/{course_id}/analyze-documents", json={}, headers=ALICE)
    assert early.status_code == 409 and "stage 1 has not run" in early.json()["detail"]

    await start(api, course_id, "analyze-repository", {"repo_url": repo})
    assert (await wait_for_stage(api, course_id, "stage1"))["status"] == "SUCCESS"
    unselected = await api.post(f"/api/courses/{course_id}/analyze-documents", json={}, headers=ALICE)
    assert unselected.status_code == 409 and "stage1-selections" in unselected.json()["detail"]


@pytest.mark.parametrize("body, field", [
    ({"complexity_level": "expert"}, "complexity_level"),
    ({"complexity_level": 3}, "complexity_level"),
    ({"additional_info": "x" * 5001}, "additional_info"),
    ({"additional_info": ["a list"]}, "additional_info"),
    ({"surprise": True}, "surprise"),
])
async def test_invalid_stage2_input_is_422_naming_the_field(api, body, field):
    course_id = await new_course(api)
    response = await api.post(f"/api/courses/{course_id}/analyze-documents", json=body, headers=ALICE)
    assert response.status_code == 422 and field in response.text


async def test_someone_elses_course_is_404_on_every_stage2_route(api):
    course_id = await new_course(api)
    bob = auth("bob")
    for method, path in [("post", "analyze-documents"), ("get", "stage2/status"),
                         ("get", "analyzed-documents"), ("post", "stage2/cancel"), ("post", "stage2/retry")]:
        kwargs = {"json": {}} if method == "post" else {}
        response = await getattr(api, method)(f"/api/courses/{course_id}/{path}", headers=bob, **kwargs)
        assert response.status_code == 404, (path, response.text)


async def test_a_selection_without_documents_is_refused(api, services, repo):
    course_id = await new_course(api)
    await start(api, course_id, "analyze-repository", {"repo_url": repo})
    await wait_for_stage(api, course_id, "stage1")
    response = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                              json={"selected_folders": ["src"]})
    assert response.status_code == 422 and "no documentation" in response.json()["detail"]
