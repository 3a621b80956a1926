"""Driving a course's life after its first version through the REST API: write it, refresh it and
wait for the refresh to end, read its versions."""
from __future__ import annotations

from tests.support.flows import ALICE, start, wait_for_stage
from tests.support.pipeline import through_stage3
from tests.support.waiting import eventually


async def written_course(api, repo: str, headers=ALICE) -> tuple[str, dict]:
    """A course taken through stage 4 on `repo` (docs/ and README.md selected), on the pathway with
    the most modules (so that a change can leave some modules untouched)."""
    course_id, listing = await through_stage3(api, repo, headers)
    chosen = max(listing["pathways"], key=lambda p: len(p["modules"]))
    selected = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=headers,
                              json={"selected_pathway_id": chosen["id"]})
    assert selected.status_code == 200, selected.text
    await start(api, course_id, "generate-course", {}, headers)
    status = await wait_for_stage(api, course_id, "stage4", timeout=120, headers=headers)
    assert status["status"] == "SUCCESS", status
    return course_id, chosen


async def refreshed(api, course_id: str, body: dict | None = None, headers=ALICE, timeout: float = 180) -> dict:
    """Ask for a refresh and return how it ended."""
    response = await api.post(f"/api/courses/{course_id}/refresh", json=body or {}, headers=headers)
    assert response.status_code == 202, response.text
    refresh_id = response.json()["refresh_id"]
    return await refresh_ended(api, course_id, refresh_id, headers, timeout)


async def refresh_ended(api, course_id: str, refresh_id: str, headers=ALICE, timeout: float = 180) -> dict:
    async def ended():
        status = (await api.get(f"/api/courses/{course_id}/refresh", headers=headers)).json()
        return status if status["refresh_id"] == refresh_id and status["status"] != "RUNNING" else None
    return await eventually(ended, timeout=timeout, message=f"refresh {refresh_id} ending")


async def versions(api, course_id: str, headers=ALICE) -> list[dict]:
    """The course's versions, newest first."""
    response = await api.get(f"/api/courses/{course_id}/versions", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["versions"]


async def module_contents(api, course_id: str, headers=ALICE) -> dict[str, dict]:
    """The current version's modules by module id: their content refs and content."""
    course = (await api.get(f"/api/courses/{course_id}/generated-course", headers=headers)).json()
    return {m["module_id"]: m for m in course["modules"]}
