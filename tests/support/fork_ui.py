"""Forking from the course page in the browser tests: a course taken through stage 3 by a running
system's REST API (`coursegen run`), and a stage started behind the page's back, as another tab would."""
from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.reader_course import dev_headers
from tests.support.waiting import eventually

STAGE_SECONDS = 180
FINISHED = ("SUCCESS", "FAILURE", "CANCELLED")


async def _started(api: httpx.AsyncClient, headers, course_id: str, action: str, body: dict) -> None:
    response = await api.post(f"/api/courses/{course_id}/{action}", json=body, headers=headers)
    assert response.status_code == 202, response.text


async def _succeeded(api: httpx.AsyncClient, headers, course_id: str, stage: str) -> None:
    async def finished():
        status = (await api.get(f"/api/courses/{course_id}/{stage}/status", headers=headers)).json()
        return status if status["status"] in FINISHED else None
    status = await eventually(finished, timeout=STAGE_SECONDS, message=f"{stage} finishing")
    assert status["status"] == "SUCCESS", status


async def course_through_stage3(system, user: str, repo: Path, title: str) -> str:
    """A course of `user`'s whose stages 1–3 succeeded on `repo` (docs/ and README.md selected), no
    pathway chosen and stage 4 never run: its id."""
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, user)
        created = await api.post("/api/projects/", json={"title": title}, headers=headers)
        assert created.status_code == 201, created.text
        course_id = created.json()["course_id"]
        await _started(api, headers, course_id, "analyze-repository", {"repo_url": str(repo)})
        await _succeeded(api, headers, course_id, "stage1")
        selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=headers,
                                  json={"selected_folders": ["docs"], "overview_document": "README.md"})
        assert selected.status_code == 200, selected.text
        for action, stage in (("analyze-documents", "stage2"), ("generate-pathways", "stage3")):
            await _started(api, headers, course_id, action, {})
            await _succeeded(api, headers, course_id, stage)
        return course_id


async def start_elsewhere(system, user: str, course_id: str, action: str) -> None:
    """Start a stage of the course as another tab of `user`'s would: the open page is not told."""
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        await _started(api, await dev_headers(api, user), course_id, action, {})


async def course_status(system, user: str, course_id: str, stage: str) -> dict:
    """GET …/{stage}/status as `user`."""
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        response = await api.get(f"/api/courses/{course_id}/{stage}/status", headers=await dev_headers(api, user))
        assert response.status_code == 200, response.text
        return response.json()
