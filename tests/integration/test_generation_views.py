"""Whole-course views: overall status, per-stage progress, event history."""
from __future__ import annotations

from tests.support.gateway import auth

ALICE = auth("alice")


async def test_status_progress_and_history_of_a_fresh_course(gateway):
    created = await gateway.post("/api/projects/", json={"title": "c"}, headers=ALICE)
    course_id = created.json()["course_id"]
    await gateway.put(f"/api/projects/{course_id}", json={"title": "renamed"}, headers=ALICE)

    status = (await gateway.get(f"/api/course-generation/{course_id}/status", headers=ALICE)).json()
    assert status["course_status"] == "draft" and status["current_stage"] is None
    assert set(status["stages"]) == {"stage1", "stage2", "stage3", "stage4"}
    assert status["stages"]["stage1"]["status"] == "PENDING"

    progress = await gateway.get(f"/api/course-generation/stage2/progress?course_id={course_id}", headers=ALICE)
    assert progress.status_code == 200 and progress.json()["progress"] == 0
    assert (await gateway.get(f"/api/course-generation/stage9/progress?course_id={course_id}",
                              headers=ALICE)).status_code == 404

    history = (await gateway.get(f"/api/courses/{course_id}/events", headers=ALICE)).json()
    assert [e["event_type"] for e in history["events"]] == ["CourseCreated", "CourseUpdated"]
    assert history["total"] == 2 and history["events"][1]["payload"]["title"] == "renamed"


async def test_views_of_another_users_course_are_404(gateway):
    course_id = (await gateway.post("/api/projects/", json={"title": "c"}, headers=ALICE)).json()["course_id"]
    bob = auth("bob")
    for path in (f"/api/course-generation/{course_id}/status", f"/api/courses/{course_id}/events",
                 f"/api/course-generation/stage1/progress?course_id={course_id}"):
        assert (await gateway.get(path, headers=bob)).status_code == 404
