"""The envelope's ids mean what docs/subscribing.md says, over a whole course's log as real stage
services write it: every event of a stage run (its request command, StageStarted/Progressed/Failed,
its per-item events, its result) carries the run's task id as `correlation_id`, the task id the
REST API answered; events of no run (CourseCreated, CourseUpdated, FoldersSelected,
PathwaySelected, CourseDeleted) carry none."""
from __future__ import annotations

import uuid

import pytest

from shared.bus.eventstore import EventStore
from shared.events import correlation_for, run_of
from shared.events.catalogue import StageFailed
from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import stage_services
from tests.support.waiting import eventually


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


def canonical_uuid(value: str) -> bool:
    return value == str(uuid.UUID(value))


async def test_every_event_of_a_run_carries_its_task_id_and_no_other_event_a_correlation_id(
        api, js, services, tmp_path):
    make_repo(tmp_path / "skyline", COURSE_REPO)
    course_id = await new_course(api)
    answered = [await start(api, course_id, "analyze-repository",
                            {"repo_url": str(tmp_path / "skyline"), "ref": "no-such-branch"})]
    assert (await wait_for_stage(api, course_id, "stage1"))["status"] == "FAILURE"
    answered.append(await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "skyline")}))
    assert (await wait_for_stage(api, course_id, "stage1"))["status"] == "SUCCESS"
    selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                              json={"selected_folders": ["docs"], "overview_document": "README.md"})
    assert selected.status_code == 200, selected.text
    answered.append(await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"}))
    assert (await wait_for_stage(api, course_id, "stage2"))["status"] == "SUCCESS"
    answered.append(await start(api, course_id, "generate-pathways", {}))
    assert (await wait_for_stage(api, course_id, "stage3"))["status"] == "SUCCESS"
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
    chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                            json={"selected_pathway_id": pathways[0]["id"]})
    assert chosen.status_code == 200, chosen.text
    answered.append(await start(api, course_id, "generate-course", {}))
    assert (await wait_for_stage(api, course_id, "stage4", timeout=90))["status"] == "SUCCESS"
    renamed = await api.put(f"/api/projects/{course_id}", headers=ALICE, json={"title": "Renamed"})
    assert renamed.status_code in (200, 202), renamed.text
    assert (await api.delete(f"/api/projects/{course_id}", headers=ALICE)).status_code in (200, 202)

    async def whole_log():
        events = (await EventStore(js).load(course_id)).events
        return events if events[-1].event_type == "CourseDeleted" else None
    events = await eventually(whole_log, message="the course deleted")

    task_ids = [a["task_id"] for a in answered]
    assert all(canonical_uuid(t) for t in task_ids) and len(set(task_ids)) == 5
    for event in events:
        assert event.correlation_id == run_of(event) == correlation_for(event), event
    assert {e.correlation_id for e in events} == {*task_ids, None}
    kinds = {e.event_type for e in events}
    assert {"CourseCreated", "RepoCloneRequested", "StageStarted", "StageProgressed", "StageFailed",
            "RepoFilesDiscovered", "RepoCloned", "FoldersSelected", "DocsAnalysisRequested", "DocAnalysed",
            "DocsAnalysed", "PathwaysRequested", "PathwaysGenerated", "PathwaySelected",
            "CourseGenerationRequested", "ModuleGenerated", "CourseGenerated", "CourseUpdated",
            "CourseDeleted"} <= kinds
    failed = [e for e in events if isinstance(e, StageFailed)]
    assert [e.correlation_id for e in failed] == [task_ids[0]]
    # Every run's events name the same run from the request on: the REST answer, payload and envelope.
    for task_id in task_ids:
        run_events = [e for e in events if e.correlation_id == task_id]
        assert run_events[0].event_type.endswith("Requested") and len(run_events) >= 3
        assert {run_of(e) for e in run_events} == {task_id}
