"""Stage 1 through the gateway alone, with the repo_clone service as a real process: start,
watch progress to 100, read the tree, select; bad input refused; cancel and retry."""
from __future__ import annotations

import json

import pytest

from tests.support.gateway import auth, running_gateway
from tests.support.gitrepos import DOCS_REPO, make_repo
from tests.support.processes import Process
from tests.support.waiting import eventually

ALICE = auth("alice")


@pytest.fixture
def repo_clone(nats_server):
    service = Process(["-m", "services.repo_clone.main"],
                      {"NATS_URL": nats_server.url, "ALLOW_LOCAL_REPOS": "true"})
    yield service
    service.interrupt()


async def new_course(api) -> str:
    response = await api.post("/api/projects/", json={"title": "Widget course"}, headers=ALICE)
    return response.json()["course_id"]


async def run_stage1(api, course_id: str, body: dict) -> tuple[dict, list[int]]:
    started = await api.post(f"/api/courses/{course_id}/analyze-repository", json=body, headers=ALICE)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "started" and started.json()["task_id"]
    seen: list[int] = []

    async def finished():
        status = (await api.get(f"/api/courses/{course_id}/stage1/status", headers=ALICE)).json()
        seen.append(status["progress"])
        return status if status["status"] in ("SUCCESS", "FAILURE", "CANCELLED") else None
    return await eventually(finished, timeout=60, message="stage 1 finishing"), seen


async def test_clone_scan_and_select_through_the_gateway(api, repo_clone, tmp_path):
    sha = make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    status, seen = await run_stage1(api, course_id, {"repo_url": str(tmp_path / "widget")})
    assert status["status"] == "SUCCESS", status
    assert status["progress"] == 100 and status["completed_at"] and status["error_message"] is None
    assert seen == sorted(seen)  # progress never goes backwards
    assert status["navigation_sources"] == ["mkdocs.yml"]  # which navigation the order came from

    course = (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()
    assert course["status"] == "stage1_complete" and course["repo_name"] == "widget"

    tree = (await api.get(f"/api/courses/{course_id}/repository-files", headers=ALICE)).json()
    assert tree["commit_sha"] == sha
    paths = {f["path"]: f for f in tree["files"]}
    assert paths["docs/guide/install.md"]["is_documentation"] is True
    assert paths["src/widget.py"]["is_documentation"] is False
    assert {"README.md", "docs/reference/README.md", "docs/index.md"} <= set(tree["overview_candidates"])
    nav = sorted((f for f in tree["files"] if f["navigation_index"] is not None),
                 key=lambda f: f["navigation_index"])
    assert [f["path"] for f in nav] == ["docs/index.md", "docs/guide/install.md",
                                        "docs/guide/usage.md", "docs/reference/api.md"]
    docs = next(c for c in tree["folders"]["children"] if c["path"] == "docs")
    assert {c["path"] for c in docs["children"]} == {"docs/guide", "docs/reference"}

    selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                              json={"selected_folders": ["docs/guide", "docs/reference"],
                                    "overview_document": "README.md"})
    assert selected.status_code == 200, selected.text
    assert selected.json()["selection"]["selected_folders"] == ["docs/guide", "docs/reference"]


@pytest.mark.parametrize("selection, named", [
    ({"selected_folders": ["nope"]}, "'nope'"),
    ({"selected_folders": ["../etc"]}, "'../etc'"),
    ({"selected_folders": ["/etc"]}, "'/etc'"),
    ({"selected_folders": ["docs"], "overview_document": "src/widget.py"}, "'src/widget.py'"),
    ({"selected_folders": ["docs"], "overview_document": "missing.md"}, "'missing.md'"),
])
async def test_bad_selections_are_refused_naming_the_entry(api, repo_clone, tmp_path, selection, named):
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    status, _ = await run_stage1(api, course_id, {"repo_url": str(tmp_path / "widget")})
    assert status["status"] == "SUCCESS"
    response = await api.post(f"/api/courses/{course_id}/stage1-selections", json=selection, headers=ALICE)
    assert response.status_code == 422 and named in response.json()["detail"]


async def test_selection_before_stage1_succeeded_is_409(api):
    course_id = await new_course(api)
    response = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                              json={"selected_folders": ["docs"]})
    assert response.status_code == 409 and "stage 1" in response.json()["detail"]


@pytest.mark.parametrize("url, reason", [
    ("ftp://example.org/repo.git", "ftp"),
    ("http://127.0.0.1/repo.git", "http"),
    ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
    ("--upload-pack=touch /tmp/pwned", "upload-pack"),
])
async def test_url_policy_rejections_are_422(api, url, reason):
    course_id = await new_course(api)
    response = await api.post(f"/api/courses/{course_id}/analyze-repository", json={"repo_url": url},
                              headers=ALICE)
    assert response.status_code == 422
    assert "repo_url" in response.json()["detail"]


async def test_local_path_refused_without_the_flag(settings, tmp_path):
    make_repo(tmp_path / "widget", DOCS_REPO)
    async with running_gateway(settings) as api:
        course_id = await new_course(api)
        for url in (str(tmp_path / "widget"), f"file://{tmp_path / 'widget'}"):
            response = await api.post(f"/api/courses/{course_id}/analyze-repository",
                                      json={"repo_url": url}, headers=ALICE)
            assert response.status_code == 422 and "ALLOW_LOCAL_REPOS" in response.json()["detail"]


async def test_a_failed_clone_says_why_and_can_be_retried(api, repo_clone, tmp_path):
    course_id = await new_course(api)
    missing = tmp_path / "not-yet"
    missing.mkdir()
    status, _ = await run_stage1(api, course_id, {"repo_url": str(missing)})
    assert status["status"] == "FAILURE" and status["error_message"]
    assert (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()["status"] == "stage1_failed"

    make_repo(missing, DOCS_REPO)
    retried = await api.post(f"/api/courses/{course_id}/stage1/retry", headers=ALICE)
    assert retried.status_code == 202 and retried.json()["task_id"] != status["task_id"]
    status = await eventually(lambda: _finished(api, course_id), timeout=60, message="retry finishing")
    assert status["status"] == "SUCCESS"


async def test_second_start_while_running_is_409_and_cancel_stops_it(api, tmp_path):
    # No repo_clone service runs: the stage stays PENDING, as if every worker were busy.
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    body = {"repo_url": str(tmp_path / "widget")}
    assert (await api.post(f"/api/courses/{course_id}/analyze-repository", json=body, headers=ALICE)).status_code == 202
    again = await api.post(f"/api/courses/{course_id}/analyze-repository", json=body, headers=ALICE)
    assert again.status_code == 409 and "already running" in again.json()["detail"]
    cancelled = await api.post(f"/api/courses/{course_id}/stage1/cancel", headers=ALICE)
    assert cancelled.status_code == 202
    status = (await api.get(f"/api/courses/{course_id}/stage1/status", headers=ALICE)).json()
    assert status["status"] == "CANCELLED"
    assert (await api.post(f"/api/courses/{course_id}/stage1/cancel", headers=ALICE)).status_code == 409
    assert (await api.post(f"/api/courses/{course_id}/analyze-repository", json=body, headers=ALICE)).status_code == 202


async def test_another_users_course_is_404_on_every_stage1_route(api):
    course_id = await new_course(api)
    bob = auth("bob")
    for method, path, body in (
        ("post", "analyze-repository", {"repo_url": "https://example.org/x.git"}),
        ("get", "stage1/status", None), ("get", "repository-files", None),
        ("post", "stage1-selections", {"selected_folders": ["docs"]}),
        ("post", "stage1/cancel", None), ("post", "stage1/retry", None),
    ):
        kwargs = {"json": body} if body else {}
        response = await getattr(api, method)(f"/api/courses/{course_id}/{path}", headers=bob, **kwargs)
        assert response.status_code == 404, (path, response.text)


async def _finished(api, course_id):
    status = (await api.get(f"/api/courses/{course_id}/stage1/status", headers=ALICE)).json()
    return status if status["status"] in ("SUCCESS", "FAILURE", "CANCELLED") else None


@pytest.mark.parametrize("body, field", [
    ({"repo_url": "https://example.org/r.git", "include": ["docs/[z-a]"]}, "include"),
    ({"repo_url": "https://example.org/r.git", "ref": "bad ref"}, "ref"),
    ({"repo_url": "https://example.org/r.git", "unknown": 1}, "unknown"),
    ({"repo_url": ""}, "repo_url"),
])
async def test_malformed_stage1_requests_are_422_naming_the_field(api, body, field):
    course_id = await new_course(api)
    response = await api.post(f"/api/courses/{course_id}/analyze-repository", json=body, headers=ALICE)
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


async def test_progress_streams_as_server_sent_events_until_the_stage_finishes(api, repo_clone, tmp_path):
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    started = await api.post(f"/api/courses/{course_id}/analyze-repository",
                             json={"repo_url": str(tmp_path / "widget")}, headers=ALICE)
    assert started.status_code == 202
    events, statuses = [], []
    async with api.stream("GET", f"/api/courses/{course_id}/progress/stream?until=stage1",
                          headers=ALICE, timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        name = None
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
                (statuses if name == "status" else events).append((name, data))
    assert statuses[-1][1]["stage1"]["status"] == "SUCCESS"
    assert statuses[-1][1]["stage1"]["progress"] == 100
    # The stream may open after a fast worker finished; if it saw events, the result is among them.
    assert not events or "RepoCloned" in [name for name, _ in events]
    assert all(data["course_id"] == course_id for _, data in events)
