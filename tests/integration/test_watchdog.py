"""A stage that started and then says nothing (its service is not running) is failed with a
timeout message by the gateway's watchdog, never left STARTED forever, and can be retried."""
from __future__ import annotations

from tests.support.gateway import running_gateway
from tests.support.flows import ALICE, new_course, start, wait_for_stage


async def test_a_silent_stage_times_out_with_a_message_and_can_be_retried(settings, tmp_path):
    quick = settings.model_copy(update={"allow_local_repos": True, "stage_timeout_seconds": 1.0,
                                        "watchdog_interval_seconds": 0.2})
    async with running_gateway(quick) as api:
        course_id = await new_course(api)
        # No repo_clone service runs: nobody will ever pick the request up.
        first = await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path)})
        status = await wait_for_stage(api, course_id, "stage1", timeout=30)
        assert status["status"] == "FAILURE" and status["task_id"] == first["task_id"]
        assert "timed out" in status["error_message"] and "retry" in status["error_message"]
        events = (await api.get(f"/api/courses/{course_id}/events", headers=ALICE)).json()["events"]
        failures = [e for e in events if e["event_type"] == "StageFailed"]
        assert len(failures) == 1 and failures[0]["actor"] == "watchdog"

        retried = await api.post(f"/api/courses/{course_id}/stage1/retry", headers=ALICE)
        assert retried.status_code == 202 and retried.json()["task_id"] != first["task_id"]
