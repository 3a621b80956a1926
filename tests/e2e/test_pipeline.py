"""The whole course, stage 1 to 4, through the gateway's REST API alone, with every stage service
as a real process, the offline engine, a private nats-server and PostgreSQL: from a local
repository to a downloadable zip whose links all resolve and whose site runs no document's script."""
from __future__ import annotations

import pytest

from tests.support.gateway import auth
from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.pipeline import HOSTILE, check_export, through_stage3
from tests.support.processes import stage_services


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
def repo(tmp_path) -> str:
    make_repo(tmp_path / "skyline", {**COURSE_REPO, "docs/guides/hostile.md": HOSTILE})
    return str(tmp_path / "skyline")


async def test_from_a_repository_to_a_downloadable_course(api, services, repo):
    course_id, listing = await through_stage3(api, repo)
    pathways = listing["pathways"]
    assert len(pathways) >= 2 and len({p["key"] for p in pathways}) == len(pathways)
    assert all(isinstance(p["prerequisites"], list) and p["estimated_minutes"] > 0 for p in pathways)
    analysed = (await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)).json()
    selected = {d["file_path"] for d in analysed["documents"]}
    used = {d["path"] for p in pathways for m in p["modules"] for d in m["documents"]}
    assert used == selected  # every selected document is in some pathway
    orders = [[d["path"] for m in p["modules"] for d in m["documents"]] for p in pathways]
    assert len({tuple(o) for o in orders}) == len(orders)  # they really differ
    for pathway, order in zip(pathways, orders):
        for module in pathway["modules"]:
            assert module["estimated_minutes"] > 0 and module["title"]
            for document in module["documents"]:
                for prerequisite in document["prerequisites"]:
                    if prerequisite in order:
                        assert order.index(prerequisite) < order.index(document["path"]), (pathway["key"], document)

    early = await api.post(f"/api/courses/{course_id}/generate-course", headers=ALICE)
    assert early.status_code == 409 and "stage3-selections" in early.json()["detail"]
    unknown = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                             json={"selected_pathway_id": "no-such-pathway"})
    assert unknown.status_code == 422 and "no-such-pathway" in unknown.json()["detail"]
    chosen = pathways[0]
    selected_answer = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                     json={"selected_pathway_id": chosen["id"]})
    assert selected_answer.status_code == 200, selected_answer.text

    await start(api, course_id, "generate-course", {})
    seen: list[int] = []
    status = await wait_for_stage(api, course_id, "stage4", seen=seen, timeout=90)
    assert status["status"] == "SUCCESS", status
    assert seen == sorted(seen)

    course = (await api.get(f"/api/courses/{course_id}/generated-course", headers=ALICE)).json()
    assert course["pathway_id"] == chosen["id"] and len(course["modules"]) == len(chosen["modules"])
    for module, planned in zip(course["modules"], chosen["modules"]):
        content = module["content"]
        sources = {d["path"] for d in planned["documents"]}
        assert content["introduction"] and content["sections"] and content["summary"]
        assert {s["source"]["path"] for s in content["sections"]} <= sources
        for question in content["assessment"]:
            assert question["source"]["path"] in sources and question["source"]["path"] in question["explanation"]
    assert sum(len(m["content"]["assessment"]) for m in course["modules"]) >= 3
    project = (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()
    assert project["status"] == "stage4_complete"

    download = await api.get(f"/api/courses/{course_id}/export", headers=ALICE)
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    check_export(download.content, len(chosen["modules"]))


async def test_stage3_and_4_refuse_to_start_early_saying_what_comes_first(api):
    course_id = await new_course(api)
    for action, needed in [("generate-pathways", "stage 2 has not run"),
                           ("generate-course", "stage 3 has not produced pathways")]:
        response = await api.post(f"/api/courses/{course_id}/{action}", json={}, headers=ALICE)
        assert response.status_code == 409 and needed in response.json()["detail"], response.text
    export = await api.get(f"/api/courses/{course_id}/export", headers=ALICE)
    assert export.status_code == 409 and "generate-course" in export.json()["detail"]
    for path in ("stage3/status", "pathways", "stage4/status", "generated-course"):
        assert (await api.get(f"/api/courses/{course_id}/{path}", headers=ALICE)).status_code == 200
        assert (await api.get(f"/api/courses/{course_id}/{path}", headers=auth("bob"))).status_code == 404


@pytest.mark.parametrize("action, body, field", [
    ("generate-pathways", {"additional_info": "x" * 5001}, "additional_info"),
    ("generate-pathways", {"pathway_count": 0}, "pathway_count"),
    ("generate-pathways", {"pathway_count": "three"}, "pathway_count"),
    ("stage3-selections", {}, "selected_pathway_id"),
    ("stage3-selections", {"selected_pathway_id": ""}, "selected_pathway_id"),
    ("stage3-selections", {"selected_pathway_id": 7}, "selected_pathway_id"),
])
async def test_invalid_stage3_input_is_422_naming_the_field(api, action, body, field):
    course_id = await new_course(api)
    response = await api.post(f"/api/courses/{course_id}/{action}", json=body, headers=ALICE)
    assert response.status_code == 422 and field in response.text, response.text
