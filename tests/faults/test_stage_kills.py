"""Kill -9 each stage service at a seeded point of its stage, start a new one: the stage completes,
and every document, pathway set and module appears exactly once in the log and the read tables.
The kill point is a condition (the stage's progress reaching a seeded threshold), not a timer."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.support.gateway import running_gateway
from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import Process
from tests.support.waiting import eventually

SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")
STAGE_OF = {"repo_clone": "stage1", "doc_analyser": "stage2", "pathway": "stage3", "modules": "stage4"}
EXTRA_DOCS = {f"docs/topics/topic-{n:02d}.md": (
    f"# Topic {n}\n\nTopic {n} explains the widget number {n}. A widget{n} is a part that moves data.\n\n"
    f"## Use widget{n}\n\nConfigure widget{n} before you start the broker.\n\n"
    f"```bash\nskyline widget{n} --enable\n```\n") for n in range(30)}


class System:
    def __init__(self, nats_url: str) -> None:
        self.env = {"NATS_URL": nats_url, "ALLOW_LOCAL_REPOS": "true", "CONSUMER_ACK_WAIT_SECONDS": "2",
                    "ANALYSIS_CONCURRENCY": "2", "MODULE_CONCURRENCY": "1"}
        self.running = {name: Process(["-m", f"services.{name}.main"], self.env) for name in SERVICES}

    def kill_and_replace(self, name: str) -> None:
        self.running[name].kill()
        self.running[name] = Process(["-m", f"services.{name}.main"], self.env)

    def stop(self) -> None:
        for process in self.running.values():
            process.interrupt()


@pytest.fixture
def system(nats_server):
    running = System(nats_server.url)
    yield running
    running.stop()


@pytest.fixture
async def api(settings):
    async with running_gateway(settings.model_copy(update={"allow_local_repos": True})) as client:
        yield client


async def reached(api, course_id: str, stage: str, threshold: int) -> bool:
    status = (await api.get(f"/api/courses/{course_id}/{stage}/status", headers=ALICE)).json()
    return status["status"] in ("SUCCESS", "FAILURE") or status["progress"] >= threshold


async def run_stage(api, course_id: str, service: str, system: System, victim: str, threshold: int) -> dict:
    stage = STAGE_OF[service]
    action = {"stage2": ("analyze-documents", {"complexity_level": "beginner"}),
              "stage3": ("generate-pathways", {}), "stage4": ("generate-course", {})}[stage]
    await start(api, course_id, *action)
    if service == victim:
        await eventually(lambda: reached(api, course_id, stage, threshold), timeout=60, message="the kill point")
        system.kill_and_replace(service)
    status = await wait_for_stage(api, course_id, stage, timeout=120)
    assert status["status"] == "SUCCESS", status
    if stage == "stage3":
        pathway = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"][0]
        chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                json={"selected_pathway_id": pathway["id"]})
        assert chosen.status_code == 200
    return status


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("victim", SERVICES)
async def test_a_killed_stage_service_completes_its_stage_exactly_once(api, system, tmp_path, victim, seed):
    threshold = random.Random(f"{victim}:{seed}").randint(1, 90)
    make_repo(tmp_path / "skyline", {**COURSE_REPO, **EXTRA_DOCS})
    if victim == "repo_clone":
        system.kill_and_replace("repo_clone")  # a fresh service, then killed mid-stage below
    course_id = await _stage1(api, tmp_path, system, victim, threshold)
    for service in SERVICES[1:]:
        await run_stage(api, course_id, service, system, victim, threshold)
    await assert_exactly_once(api, course_id)


async def _stage1(api, tmp_path, system: System, victim: str, threshold: int) -> str:
    if victim != "repo_clone":
        return await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"], overview="README.md")
    response = await api.post("/api/projects/", json={"title": "kills"}, headers=ALICE)
    course_id = response.json()["course_id"]
    await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "skyline")})
    await eventually(lambda: reached(api, course_id, "stage1", threshold), timeout=60, message="the kill point")
    system.kill_and_replace("repo_clone")
    assert (await wait_for_stage(api, course_id, "stage1", timeout=120))["status"] == "SUCCESS"
    selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                              json={"selected_folders": ["docs"], "overview_document": "README.md"})
    assert selected.status_code == 200
    return course_id


async def assert_exactly_once(api, course_id: str) -> None:
    events = (await api.get(f"/api/courses/{course_id}/events", headers=ALICE,
                            params={"limit": 1000})).json()["events"]
    kinds = Counter(e["event_type"] for e in events)
    assert kinds["RepoCloned"] == kinds["DocsAnalysed"] == kinds["PathwaysGenerated"] == kinds["CourseGenerated"] == 1
    analysed = Counter(e["payload"]["path"] for e in events if e["event_type"] == "DocAnalysed")
    modules = Counter(e["payload"]["module_id"] for e in events if e["event_type"] == "ModuleGenerated")
    chunks = Counter(e["payload"]["chunk_index"] for e in events if e["event_type"] == "RepoFilesDiscovered")
    assert set(analysed.values()) == set(modules.values()) == set(chunks.values()) == {1}
    assert len(analysed) == 37  # 36 documents under docs/ and the README
    rows = (await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)).json()
    assert rows["total"] == len(analysed)
    course = (await api.get(f"/api/courses/{course_id}/generated-course", headers=ALICE)).json()
    assert sorted(m["module_id"] for m in course["modules"]) == sorted(modules)
