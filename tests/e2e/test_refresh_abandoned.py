"""A refresh the manager cannot carry further ends FAILED saying why, instead of staying RUNNING
for ever and refusing the course's stage commands: here the stage result it waits for arrives
unreadable. A private nats-server and PostgreSQL, the gateway and (for the first version) every
stage service as real processes."""
from __future__ import annotations

from shared.events.catalogue import RepoCloned
from shared.events.subjects import subject_of
from tests.support.flows import ALICE
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import stage_services
from tests.support.refreshing import refresh_ended, versions, written_course
from tests.support.waiting import eventually


async def test_a_refresh_whose_stage_result_cannot_be_read_ends_failed_with_the_reason(
        api, js, nats_server, tmp_path):
    repo = tmp_path / "skyline"
    make_repo(repo, COURSE_REPO)
    with stage_services(nats_server.url):
        course_id, _ = await written_course(api, str(repo))
    # No stage service runs any more: the refresh's clone is asked for and waits.
    response = await api.post(f"/api/courses/{course_id}/refresh", json={}, headers=ALICE)
    assert response.status_code == 202, response.text
    refresh_id = response.json()["refresh_id"]

    await eventually(lambda: _stage1_status(api, course_id, "PENDING"), timeout=30,
                     message="the refresh's clone requested")
    await js.publish(subject_of(course_id, RepoCloned), b'{"not": "an event"')

    ended = await refresh_ended(api, course_id, refresh_id, timeout=60)

    assert ended["status"] == "FAILED", ended
    assert "could not be read" in ended["message"] and "RepoCloned" in ended["message"], ended
    assert ended["message"].endswith("the current version stays"), ended
    assert [v["version"] for v in await versions(api, course_id)] == [1]
    # The course is not held: once the clone nobody serves is cancelled, it can be refreshed again.
    cancelled = await api.post(f"/api/courses/{course_id}/stage1/cancel", headers=ALICE)
    assert cancelled.status_code == 202, cancelled.text
    await eventually(lambda: _stage1_status(api, course_id, "CANCELLED"), timeout=30, message="stage 1 cancelled")
    again = await api.post(f"/api/courses/{course_id}/refresh", json={}, headers=ALICE)
    assert again.status_code == 202, again.text


async def _stage1_status(api, course_id: str, wanted: str):
    status = (await api.get(f"/api/courses/{course_id}/stage1/status", headers=ALICE)).json()
    return status if status["status"] == wanted else None
