"""The concept maps through the gateway (GET …/concept-map, …/modules/{id}/concept-map): an SVG of
the course's key concepts and stage 2's prerequisite edges, after stage 4 only, for those who may
read the course; every stage a real process, the offline engine."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest

from tests.support.flows import ALICE, start, wait_for_stage
from tests.support.gateway import auth
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.pipeline import through_stage3
from tests.support.processes import stage_services

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
def repo(tmp_path) -> str:
    make_repo(tmp_path / "skyline", COURSE_REPO)
    return str(tmp_path / "skyline")


def _picture(answer) -> ElementTree.Element:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(answer.text)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    return root


async def test_the_course_and_each_module_have_a_concept_map_after_stage_4(api, services, repo):
    course_id, listing = await through_stage3(api, repo)
    url = f"/api/courses/{course_id}/concept-map"
    assert (await api.get(url, headers=ALICE)).status_code == 409  # stage 4 has not run (404: no such course)
    chosen = listing["pathways"][0]
    answer = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                            json={"selected_pathway_id": chosen["id"]})
    assert answer.status_code == 200, answer.text
    await start(api, course_id, "generate-course", {})
    assert (await wait_for_stage(api, course_id, "stage4", timeout=90))["status"] == "SUCCESS"

    course_map = _picture(await api.get(url, headers=ALICE))
    labels = {t.text for t in course_map.iter(f"{SVG}text")}
    analysed = (await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)).json()
    concepts = {c for d in analysed["documents"] for c in d["key_concepts"]}
    assert labels and all(label.rstrip("…") and any(c.startswith(label.rstrip("…")) for c in concepts)
                          for label in labels)
    first = chosen["modules"][0]["id"]
    module_map = _picture(await api.get(f"/api/courses/{course_id}/modules/{first}/concept-map", headers=ALICE))
    assert {t.text for t in module_map.iter(f"{SVG}text")}
    again = await api.get(url, headers=ALICE)
    assert again.text == (await api.get(url, headers=ALICE)).text  # the same course, the same bytes
    missing = await api.get(f"/api/courses/{course_id}/modules/no-such-module/concept-map", headers=ALICE)
    assert missing.status_code == 404
    stranger = await api.get(url, headers=auth("mallory"))
    assert stranger.status_code in (403, 404)
