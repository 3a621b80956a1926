"""Driving the author's edits of a written course through the REST API: edit, read the course as
presented and the history of its edits, wait for a stage 4 run the edits started, read a zip."""
from __future__ import annotations

import io
import zipfile

from tests.support.flows import ALICE, FINISHED
from tests.support.waiting import eventually


async def edit(api, method: str, course_id: str, path: str, body: dict | None = None, headers=ALICE,
               status: int = 200) -> dict:
    """One edit command (`path` under the course, e.g. "modules/m1"); asserts its status code."""
    response = await api.request(method, f"/api/courses/{course_id}/{path}", json=body, headers=headers)
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


async def presented(api, course_id: str, headers=ALICE) -> dict:
    """GET generated-course: the course as the author made it."""
    response = await api.get(f"/api/courses/{course_id}/generated-course", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_id(course: dict) -> dict[str, dict]:
    return {m["module_id"]: m for m in course["modules"]}


def order(course: dict) -> list[str]:
    return [m["module_id"] for m in course["modules"]]


async def history(api, course_id: str, headers=ALICE) -> list[dict]:
    response = await api.get(f"/api/courses/{course_id}/edits", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["edits"]


async def run_finished(api, course_id: str, task_id: str, timeout: float = 120) -> dict:
    """The stage 4 run `task_id` once it has ended (asserting it succeeded)."""
    async def ended():
        status = (await api.get(f"/api/courses/{course_id}/stage4/status", headers=ALICE)).json()
        return status if status["task_id"] == task_id and status["status"] in FINISHED else None
    status = await eventually(ended, timeout=timeout, message=f"stage 4 run {task_id} ending")
    assert status["status"] == "SUCCESS", status
    return status


def zip_text(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()


def zip_names(data: bytes, under: str) -> list[str]:
    return sorted(n.removeprefix(under) for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith(under))
