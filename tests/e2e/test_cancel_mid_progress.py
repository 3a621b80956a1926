"""A cancel that lands while a stage is emitting progress ends the run in the log: with every stage
service a real process, each stage (1 to 4) is cancelled as it emits (its service paused on its
start or first progress step, so the cancel lands while the work is under way, then resumed),
and the raw log holds nothing of that run after its StageCancelled. Each stage is then retried to
success, so the next one has its inputs."""
from __future__ import annotations

import asyncio
import json
import signal

from shared.bus.connection import connect
from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.gitrepos import loom_repository, make_repo
from tests.support.processes import STAGE_SERVICES, Process, stage_services
from tests.support.run_log import after_end, raw_log
from tests.support.waiting import eventually

STAGES = [("stage1", "repo_clone", "analyze-repository"), ("stage2", "doc_analyser", "analyze-documents"),
          ("stage3", "pathway", "generate-pathways"), ("stage4", "modules", "generate-course")]
# Where each service is paused: stages 2 and 4 on their first progress step, mid-work; stage 1
# (progress throttled to a step per half second: a small clone reports once, at its end) and
# stage 3 (a few steps in quick succession) on their start, just before their progress steps.
PAUSE_ON = {"stage1": "StageStarted", "stage2": "StageProgressed", "stage3": "StageStarted",
            "stage4": "StageProgressed"}


async def _idle(js, durable: str) -> bool:
    """The service has handled (acknowledged) every request it was given: it emits nothing more."""
    info = await js.consumer_info("COURSES", durable)
    return info.num_ack_pending == 0 and info.num_pending == 0


async def _cancelled_as_it_emits(api, nc, js, course_id: str, stage: str, service: Process, durable: str,
                                 action: str, body: dict) -> str:
    """Starts `stage` (its first run), pauses its service as it emits (PAUSE_ON), cancels, resumes;
    the run's task id once the service has finished with it."""
    paused = asyncio.Event()

    async def on_emitted(msg):  # subscribed before the start: the event may come before its answer
        if json.loads(msg.data)["payload"]["stage"] == stage and not paused.is_set():
            service.popen.send_signal(signal.SIGSTOP)
            paused.set()

    sub = await nc.subscribe(f"course.{course_id}.{PAUSE_ON[stage]}", cb=on_emitted)
    try:
        task_id = (await start(api, course_id, action, body))["task_id"]
        await eventually(paused.is_set, timeout=60, message=f"{durable} emitting {PAUSE_ON[stage]}")
        cancelled = await api.post(f"/api/courses/{course_id}/{stage}/cancel", headers=ALICE)
    finally:
        service.popen.send_signal(signal.SIGCONT)
        await sub.unsubscribe()
    assert cancelled.status_code == 202, (stage, cancelled.text)
    await eventually(lambda: _idle(js, durable), timeout=60, message=f"{durable} done with the cancelled run")
    return task_id


async def test_nothing_of_a_run_follows_its_cancel_in_any_stage(api, js, nats_server, tmp_path):
    # Enough documents that every stage has a while of work after its first progress step.
    make_repo(tmp_path / "loom", loom_repository(40, sentences=8, paragraphs=6))
    nc = await connect(nats_server.url, "e2e-progress-watch")
    try:
        with stage_services(nats_server.url, env={"MODULE_TARGET_MINUTES": "5"}) as services:
            by_name = dict(zip(STAGE_SERVICES, services))
            course_id = await new_course(api)
            bodies = {"stage1": {"repo_url": str(tmp_path / "loom")}, "stage2": {"complexity_level": "beginner"},
                      "stage3": {}, "stage4": {}}
            late = {}
            for stage, durable, action in STAGES:
                task_id = await _cancelled_as_it_emits(api, nc, js, course_id, stage, by_name[durable], durable,
                                                       action, bodies[stage])
                late[stage] = after_end(await raw_log(js, course_id), "StageCancelled", task_id)
                retried = await api.post(f"/api/courses/{course_id}/{stage}/retry", headers=ALICE, json={})
                assert retried.status_code == 202, retried.text
                status = await wait_for_stage(api, course_id, stage, timeout=120)
                assert status["status"] == "SUCCESS", status
                await _select(api, course_id, stage)
            assert late == {stage: [] for stage, _, _ in STAGES}
    finally:
        await nc.close()


async def _select(api, course_id: str, stage: str) -> None:
    """What the user chooses after a stage, for the next one."""
    if stage == "stage1":
        chosen = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                                json={"selected_folders": ["docs"], "overview_document": "README.md"})
    elif stage == "stage3":
        pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
        chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                json={"selected_pathway_id": pathways[0]["id"]})
    else:
        return
    assert chosen.status_code == 200, chosen.text
