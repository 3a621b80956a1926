"""A course from a repository to its generated modules through the REST API, each stage started
by a request carrying its own W3C trace context, so the test knows every stage's trace id."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from tests.support.flows import ALICE, new_course, start, wait_for_stage

STAGES = {"stage1": "analyze-repository", "stage2": "analyze-documents", "stage3": "generate-pathways",
          "stage4": "generate-course"}


@dataclass(frozen=True)
class Run:
    course_id: str
    traces: dict[str, str]  # stage -> the trace id of the request that started it
    documents: int          # documents analysed in stage 2


def traced(trace_id: str) -> dict[str, str]:
    return {**ALICE, "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}


async def run_stage(api, course_id: str, stage: str, body: dict, trace_id: str) -> None:
    await start(api, course_id, STAGES[stage], body, traced(trace_id))
    status = await wait_for_stage(api, course_id, stage, timeout=90)
    assert status["status"] == "SUCCESS", status


async def choose(api, course_id: str, path: str, body: dict) -> None:
    response = await api.post(f"/api/courses/{course_id}/{path}", json=body, headers=ALICE)
    assert response.status_code == 200, response.text


async def whole_pipeline(api, repo: str) -> Run:
    course_id = await new_course(api)
    traces = {stage: secrets.token_hex(16) for stage in STAGES}
    await run_stage(api, course_id, "stage1", {"repo_url": repo}, traces["stage1"])
    await choose(api, course_id, "stage1-selections", {"selected_folders": ["docs"], "overview_document": "README.md"})
    await run_stage(api, course_id, "stage2", {"complexity_level": "beginner"}, traces["stage2"])
    await run_stage(api, course_id, "stage3", {}, traces["stage3"])
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
    await choose(api, course_id, "stage3-selections", {"selected_pathway_id": pathways[0]["id"]})
    await run_stage(api, course_id, "stage4", {}, traces["stage4"])
    analysed = (await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)).json()
    return Run(course_id, traces, len(analysed["documents"]))
