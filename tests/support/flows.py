"""Driving a course through its stages via the gateway's REST API, as a client would."""
from __future__ import annotations

from tests.support.gateway import auth
from tests.support.waiting import eventually

ALICE = auth("alice")
FINISHED = ("SUCCESS", "FAILURE", "CANCELLED")


async def new_course(api, headers=ALICE, title: str = "Skyline course") -> str:
    response = await api.post("/api/projects/", json={"title": title}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["course_id"]


async def wait_for_stage(api, course_id: str, stage: str, timeout: float = 60, headers=ALICE,
                         seen: list[int] | None = None) -> dict:
    async def finished():
        status = (await api.get(f"/api/courses/{course_id}/{stage}/status", headers=headers)).json()
        if seen is not None:
            seen.append(status["progress"])
        return status if status["status"] in FINISHED else None
    return await eventually(finished, timeout=timeout, message=f"{stage} finishing")


async def start(api, course_id: str, action: str, body: dict, headers=ALICE) -> dict:
    response = await api.post(f"/api/courses/{course_id}/{action}", json=body, headers=headers)
    assert response.status_code == 202, response.text
    return response.json()


async def scanned_and_selected(api, repo_path: str, folders: list[str], overview: str | None = None,
                               headers=ALICE) -> str:
    """A new course whose stage 1 succeeded on `repo_path`, with `folders` selected."""
    course_id = await new_course(api, headers)
    await start(api, course_id, "analyze-repository", {"repo_url": repo_path}, headers)
    status = await wait_for_stage(api, course_id, "stage1", headers=headers)
    assert status["status"] == "SUCCESS", status
    selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=headers,
                              json={"selected_folders": folders, "overview_document": overview})
    assert selected.status_code == 200, selected.text
    return course_id


async def whole_pathways(api, course_id: str, headers=ALICE) -> list[dict]:
    """The course's pathways with every module: the answer holds a page of each pathway's modules,
    so a pathway with more is read on, a page at a time, until its `module_count`."""
    url = f"/api/courses/{course_id}/pathways"
    pathways = (await api.get(url, headers=headers)).json()["pathways"]
    for pathway in pathways:
        while len(pathway["modules"]) < pathway["module_count"]:
            page = await api.get(url, params={"pathway_id": pathway["id"], "offset": len(pathway["modules"])},
                                 headers=headers)
            assert page.status_code == 200, page.text
            [more] = page.json()["pathways"]
            assert more["modules"], f"pathway {pathway['id']} ended before its module_count"
            pathway["modules"] += more["modules"]
    return pathways
