"""`coursegen run` (what `make run` starts) supervises its processes: a stage service killed with -9
in the middle of its stage is started again on the same port and the stage completes exactly
once; a killed gateway comes back and serves; a service that crash-loops is given up on, named
with its last log lines, while the rest keep running and /ready and the web UI say it is down; a
second run on the same data folder refuses; only Ctrl-C or SIGTERM stops the system."""
from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.flows import start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.launched import coursegen_run
from tests.support.processes import run_cli
from tests.support.waiting import eventually

CHROMIUM = Path("/usr/bin/chromium")
STAGE_SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")
# Enough documents that every stage has work in flight long enough to be killed in the middle.
TOPICS = {f"docs/topics/topic-{n:02d}.md": (
    f"# Topic {n}\n\nTopic {n} explains the widget number {n}. A widget{n} is a part that moves data.\n\n"
    f"## Use widget{n}\n\nConfigure widget{n} before you start the broker.\n\n"
    f"```bash\nskyline widget{n} --enable\n```\n") for n in range(20)}
# A short ack wait, so the delivery a killed service held goes to its replacement within seconds.
FAST_REDELIVERY = {"CONSUMER_ACK_WAIT_SECONDS": "3", "ANALYSIS_CONCURRENCY": "2", "MODULE_CONCURRENCY": "1"}


@pytest.fixture(scope="class")
def system():
    """One system shared by a class's tests (starting one takes a while)."""
    with coursegen_run(FAST_REDELIVERY) as launched:
        yield launched


@pytest.fixture(scope="class")
def broken():
    # An invalid value for a setting only the pathway service has: it exits at every start-up.
    with coursegen_run({"MODULE_TARGET_MINUTES": "1"}) as launched:
        yield launched


@pytest.fixture
async def api(system):
    async with httpx.AsyncClient(base_url=system.url, headers=system.headers, timeout=30) as client:
        yield client


class TestSupervision:
    async def test_a_second_run_on_the_same_data_folder_refuses_and_the_first_keeps_serving(self, system, api):
        course_id = await _new_course(api, "before the second run")
        events = (await api.get(f"/api/courses/{course_id}/events")).json()["events"]
        files = _snapshot(system.data)

        second = run_cli(["run"], {"COURSEGEN_DATA_DIR": str(system.data)}, timeout=60)
        assert second.returncode != 0
        assert f"coursegen is already running at {system.url}" in second.stderr, second.stdout + second.stderr

        assert _snapshot(system.data) == files  # nothing written, nothing removed (runtime.json stays)
        assert (await api.get("/ready")).status_code == 200
        assert (await api.get(f"/api/courses/{course_id}/events")).json()["events"] == events
        assert system.process.popen.poll() is None

    async def test_each_stage_service_killed_mid_stage_comes_back_and_its_stage_completes(self, system, api, tmp_path):
        make_repo(tmp_path / "skyline", {**COURSE_REPO, **TOPICS})
        course_id = await _new_course(api, "killed services")
        await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "skyline")}, system.headers)
        await _kill_mid_stage(system, "repo_clone")
        assert (await wait_for_stage(api, course_id, "stage1", 120, system.headers))["status"] == "SUCCESS"
        selected = await api.post(f"/api/courses/{course_id}/stage1-selections",
                                  json={"selected_folders": ["docs"], "overview_document": "README.md"})
        assert selected.status_code == 200, selected.text

        await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"}, system.headers)
        await _kill_mid_stage(system, "doc_analyser")
        assert (await wait_for_stage(api, course_id, "stage2", 120, system.headers))["status"] == "SUCCESS"

        await start(api, course_id, "generate-pathways", {}, system.headers)
        await _kill_mid_stage(system, "pathway", wait_for_work=False)
        assert (await wait_for_stage(api, course_id, "stage3", 120, system.headers))["status"] == "SUCCESS"
        pathways = (await api.get(f"/api/courses/{course_id}/pathways")).json()["pathways"]
        chosen = await api.post(f"/api/courses/{course_id}/stage3-selections",
                                json={"selected_pathway_id": pathways[0]["id"]})
        assert chosen.status_code == 200, chosen.text

        await start(api, course_id, "generate-course", {}, system.headers)
        await _kill_mid_stage(system, "modules")
        assert (await wait_for_stage(api, course_id, "stage4", 120, system.headers))["status"] == "SUCCESS"
        await _assert_exactly_once(api, course_id)

    async def test_a_killed_gateway_comes_back_and_serves(self, system, api):
        before = (await api.get("/api/projects/")).json()
        killed = system.kill("gateway")
        system.printed(lambda line: "service gateway stopped (killed by SIGKILL); restarting" in line, 30)
        await eventually(lambda: (p := system.service("gateway")) is not None and p.pid != killed,
                         timeout=30, message="a new gateway process")
        await eventually(lambda: _answers(f"{system.url}/ready"), timeout=60, message="the new gateway being ready")
        assert (await api.get("/api/projects/")).json() == before
        assert (await api.post("/api/projects/", json={"title": "after the restart"})).status_code == 201


class TestCrashLoop:
    async def test_a_crash_looping_service_is_given_up_on_with_its_last_log_lines_and_the_rest_keep_running(self, broken):
        broken.printed(lambda line: "service pathway stopped" in line and "crash loop" in line, timeout=120)
        broken.printed(lambda line: "Last lines of" in line and "pathway.log" in line, timeout=5)
        broken.printed(lambda line: "module_target_minutes" in line, timeout=5)  # the cause, from its log
        assert broken.service("pathway") is None

        assert broken.process.popen.poll() is None
        for name in ("repo_clone", "doc_analyser", "modules"):
            await eventually(lambda: broken.health(name), timeout=30, message=f"{name}'s /health")
        ready = httpx.get(f"{broken.url}/ready", timeout=10)
        # A stage service that is down is reported, but the gateway itself stays ready (see /ready).
        assert ready.status_code == 200, ready.text
        assert ready.json()["services"] == {"repo_clone": "up", "doc_analyser": "up", "pathway": "down",
                                            "modules": "up"}
        created = httpx.post(f"{broken.url}/api/projects/", json={"title": "still serving"},
                             headers=broken.headers, timeout=30)
        assert created.status_code == 201, created.text

    @pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}")
    async def test_the_web_ui_shows_a_banner_naming_the_service_that_is_down(self, broken):
        from playwright.async_api import async_playwright, expect

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                page = await browser.new_page()
                await page.goto(broken.url)
                banner = page.get_by_test_id("service-status")
                await expect(banner).to_have_text("Service pathway is down — restarting; its stage waits "
                                                  "until it is back.", timeout=30_000)
                await expect(banner).to_be_visible()
            finally:
                await browser.close()

    async def test_only_sigterm_or_ctrl_c_stops_the_system_and_every_process_with_it(self, broken):
        children = psutil.Process(broken.process.popen.pid).children(recursive=True)
        assert len([c for c in children if "services." in " ".join(c.cmdline())]) == 4  # pathway gave up
        broken.process.popen.send_signal(signal.SIGTERM)
        assert broken.process.popen.wait(60) == 0
        assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


async def _new_course(api, title: str) -> str:
    created = await api.post("/api/projects/", json={"title": title})
    assert created.status_code == 201, created.text
    return created.json()["course_id"]


async def _kill_mid_stage(system, name: str, wait_for_work: bool = True) -> None:
    """kill -9 `name` while it holds a delivery, then see it come back on the same /health URL.
    A stage too quick to be seen at work (pathway's, offline) is killed as soon as it was started:
    its request is then either in the killed service's hands or waiting in the stream for the new one."""
    if wait_for_work:
        await eventually(lambda: (h := system.health(name)) is not None and h["active_jobs"] >= 1,
                         timeout=60, message=f"{name} working on its stage")
    killed = system.kill(name)
    system.printed(lambda line: f"service {name} stopped (killed by SIGKILL); restarting" in line, 30)
    await eventually(lambda: system.ready()["services"][name] == "down", timeout=10,
                     message=f"/ready listing {name} as down")
    await eventually(lambda: (p := system.service(name)) is not None and p.pid != killed,
                     timeout=30, message=f"a new {name} process")
    await eventually(lambda: system.health(name), timeout=60, message=f"{name}'s /health answering again")
    # /ready gives each /health one second: a service busy starting up may miss one probe.
    await eventually(lambda: system.ready()["services"][name] == "up", timeout=30,
                     message=f"/ready listing {name} as up again")


async def _assert_exactly_once(api, course_id: str) -> None:
    events = (await api.get(f"/api/courses/{course_id}/events", params={"limit": 1000})).json()["events"]
    kinds = Counter(e["event_type"] for e in events)
    assert kinds["RepoCloned"] == kinds["DocsAnalysed"] == kinds["PathwaysGenerated"] == kinds["CourseGenerated"] == 1
    analysed = Counter(e["payload"]["path"] for e in events if e["event_type"] == "DocAnalysed")
    modules = Counter(e["payload"]["module_id"] for e in events if e["event_type"] == "ModuleGenerated")
    assert analysed and modules and set(analysed.values()) == set(modules.values()) == {1}


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of the folder's own files (runtime.json, the JWT secret, the lock);
    not the stores and logs in its subfolders, which the running system writes anyway."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()
            if p.is_file()}
