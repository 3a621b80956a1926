"""Forking a course, with every stage service a real process (offline engine), a private nats-server
and PostgreSQL: the fork starts with its source's stages up to the one it is forked from, already
done and paid for (its log holds none of their requests; the services are not asked again), runs
the later stages its own way, leaves its source as it was, outlives it, and replays to the same
read tables."""
from __future__ import annotations

from pathlib import Path

import pytest
from nats.js.errors import NotFoundError

from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.forking import fork
from tests.support.gateway import auth
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.pipeline import through_stage3
from tests.support.processes import stage_services
from tests.support.read_tables import read_tables, replay_live

STAGES = ("stage1", "stage2", "stage3", "stage4")


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
def repo(tmp_path) -> Path:
    make_repo(tmp_path / "skyline", COURSE_REPO)
    return tmp_path / "skyline"


async def statuses(api, course_id: str) -> dict[str, str]:
    return {stage: (await api.get(f"/api/courses/{course_id}/{stage}/status", headers=ALICE)).json()["status"]
            for stage in STAGES}


async def analyses(api, course_id: str) -> list[dict]:
    """The current stage 2 run's analyses, as the API shows them, without their row ids."""
    response = await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)
    assert response.status_code == 200, response.text
    return [{k: v for k, v in d.items() if k != "id"} for d in response.json()["documents"]]


async def pathways(api, course_id: str) -> list[dict]:
    return (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]


async def history(api, course_id: str) -> list[dict]:
    response = await api.get(f"/api/courses/{course_id}/events", params={"limit": 1000}, headers=ALICE)
    assert response.status_code == 200, response.text
    return response.json()["events"]


async def source_view(api, course_id: str) -> dict:
    """What a user of the source sees of it."""
    return {"course": (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json(),
            "statuses": await statuses(api, course_id), "analyses": await analyses(api, course_id),
            "pathways": await pathways(api, course_id), "events": await history(api, course_id)}


async def on_the_log(js, course_id: str, event_type: str) -> bool:
    try:
        await js.get_msg("COURSES", subject=f"course.{course_id}.{event_type}")
    except NotFoundError:
        return False
    return True


async def written(api, course_id: str, pathway_id: str) -> dict:
    selected = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                              json={"selected_pathway_id": pathway_id})
    assert selected.status_code == 200, selected.text
    await start(api, course_id, "generate-course", {})
    status = await wait_for_stage(api, course_id, "stage4", timeout=120)
    assert status["status"] == "SUCCESS", status
    return (await api.get(f"/api/courses/{course_id}/generated-course", headers=ALICE)).json()


async def test_a_fork_from_stage_2_inherits_the_analysis_and_plans_its_own_way(api, js, services, repo):
    source, _ = await through_stage3(api, str(repo))
    before = await source_view(api, source)
    analyser = (await js.consumer_info("COURSES", "doc_analyser")).delivered.consumer_seq

    response = await fork(api, source, "stage2", title="Skyline for operators")

    assert response.status_code == 201, response.text
    course = response.json()
    fork_id = course["course_id"]
    assert (course["user_id"], course["title"], course["repo_name"]) == ("alice", "Skyline for operators", "skyline")
    assert response.headers["Location"] == f"/api/projects/{fork_id}"
    assert await statuses(api, fork_id) == {"stage1": "SUCCESS", "stage2": "SUCCESS", "stage3": "PENDING",
                                            "stage4": "PENDING"}
    assert await analyses(api, fork_id) == before["analyses"]
    assert await pathways(api, fork_id) == []
    events = await history(api, fork_id)
    assert {e["course_id"] for e in events} == {fork_id}
    assert events[0]["event_type"] == "RepoCloneRequested" and events[-1]["event_type"] == "CourseForked"
    assert not {e["event_type"] for e in events} & {"CourseCreated", "PathwaysRequested"}

    await start(api, fork_id, "generate-pathways", {"additional_info": "for operators", "pathway_count": 2})
    assert (await wait_for_stage(api, fork_id, "stage3"))["status"] == "SUCCESS"
    planned = await pathways(api, fork_id)
    assert planned and not {p["id"] for p in planned} & {p["id"] for p in before["pathways"]}
    generated = await written(api, fork_id, planned[0]["id"])
    assert generated["modules"]

    # Nothing it inherited was done or paid for again.
    for kind in ("RepoCloneRequested", "DocsAnalysisRequested", "DocAnalysed"):
        assert not await on_the_log(js, fork_id, kind), kind
    assert (await js.consumer_info("COURSES", "doc_analyser")).delivered.consumer_seq == analyser
    [version] = (await api.get(f"/api/courses/{fork_id}/versions", headers=ALICE)).json()["versions"]
    assert version["cost"]["documents_analysed"] == 0 and version["cost"]["calls"] == 0
    # The source is as it was.
    assert await source_view(api, source) == before


async def test_a_fork_needs_a_course_the_caller_sees_and_a_stage_that_succeeded(api):
    course_id = await new_course(api)
    refused = await fork(api, course_id, "stage1")
    assert refused.status_code == 409 and "stage 1 has not run" in refused.json()["detail"]
    assert (await fork(api, course_id, "stage1", headers=auth("bob"))).status_code == 404
    assert (await fork(api, "no-such-course", "stage1")).status_code == 404
    assert (await fork(api, course_id, "stage5")).status_code == 422


async def test_a_fork_outlives_its_source_and_replays_to_the_same_rows(api, js, services, repo):
    source, listing = await through_stage3(api, str(repo))
    chosen = listing["pathways"][0]
    selected = await api.post(f"/api/courses/{source}/stage3-selections", headers=ALICE,
                              json={"selected_pathway_id": chosen["id"]})
    assert selected.status_code == 200, selected.text
    stranger = await fork(api, source, "stage3", headers=auth("bob"))
    assert stranger.status_code == 404
    fork_id = (await fork(api, source, "stage3")).json()["course_id"]
    [inherited] = [p for p in await pathways(api, fork_id) if p["title"] == chosen["title"]]
    assert inherited["id"] != chosen["id"] and len(await pathways(api, fork_id)) == len(listing["pathways"])

    assert (await api.delete(f"/api/projects/{source}", headers=ALICE)).status_code == 200

    assert (await api.get(f"/api/projects/{fork_id}", headers=ALICE)).status_code == 200
    assert await statuses(api, fork_id) == {"stage1": "SUCCESS", "stage2": "SUCCESS", "stage3": "SUCCESS",
                                            "stage4": "PENDING"}
    assert [e["event_type"] for e in await history(api, fork_id)][-1] == "CourseForked"
    # Its next stage still reads the repository's snapshot and the analyses its source made.
    generated = await written(api, fork_id, inherited["id"])
    assert len(generated["modules"]) == len(chosen["modules"])

    c = api.app.state.container
    live = await read_tables(c.pool, c.settings.read_schema)
    assert [row[0] for row in live["courses"]] == [fork_id]
    await replay_live(api)
    assert await read_tables(c.pool, c.settings.read_schema) == live
