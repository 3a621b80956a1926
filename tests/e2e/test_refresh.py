"""Living courses: a course written from a local repository is refreshed after the repository
changes, with every stage service a real process (offline engine), a private nats-server and
PostgreSQL. The refresh carries the chosen pathway forward, rewrites only what changed and records
a new version with its changelog and cost."""
from __future__ import annotations

from pathlib import Path

import pytest

from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.events.catalogue import RepoCloned
from tests.support.flows import ALICE, start, wait_for_stage
from tests.support.gateway import auth, running_gateway
from tests.support.gitrepos import COURSE_REPO, commit, git, loom_repository, make_repo
from tests.support.processes import stage_services
from tests.support.refreshing import module_contents, refresh_ended, refreshed, versions, written_course
from tests.support.waiting import eventually


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
def repo(tmp_path) -> Path:
    make_repo(tmp_path / "skyline", COURSE_REPO)
    return tmp_path / "skyline"


async def test_an_unchanged_repository_refreshes_to_no_new_version(api, services, repo):
    course_id, _ = await written_course(api, str(repo))
    before = await module_contents(api, course_id)

    ended = await refreshed(api, course_id)

    assert ended["status"] == "UNCHANGED", ended
    assert "has not changed" in ended["message"]
    assert [v["version"] for v in await versions(api, course_id)] == [1]
    assert await module_contents(api, course_id) == before
    status = (await api.get(f"/api/courses/{course_id}/stage4/status", headers=ALICE)).json()
    assert status["status"] == "SUCCESS" and status["stale"] is False, status


async def test_a_commit_that_changes_no_selected_document_writes_no_version(api, services, repo):
    course_id, _ = await written_course(api, str(repo))
    commit(repo, {"src/skyline.py": "print('code, not documentation')\n"}, "code only")

    ended = await refreshed(api, course_id)

    assert ended["status"] == "UNCHANGED", ended
    assert [v["version"] for v in await versions(api, course_id)] == [1]
    stage2 = (await api.get(f"/api/courses/{course_id}/stage2/status", headers=ALICE)).json()
    assert stage2["status"] == "SUCCESS"
    for stage in ("stage3", "stage4"):
        status = (await api.get(f"/api/courses/{course_id}/{stage}/status", headers=ALICE)).json()
        assert status["stale"] is False, status


LOOM = loom_repository(6, 20, 16)  # long enough documents for pathways of several modules


async def refreshed_after_one_change(api, repo: Path, files: dict[str, str], changed: str, addition: str,
                                     message: str) -> tuple[str, set[str], dict, dict]:
    """A course written from `files`, then `addition` appended to the document `changed` and the
    course refreshed: (course id, the modules citing that document, the modules before, the
    refresh's end)."""
    make_repo(repo, files)
    course_id, chosen = await written_course(api, str(repo))
    before = await module_contents(api, course_id)
    citing = {m["id"] for m in chosen["modules"] if changed in {d["path"] for d in m["documents"]}}
    assert citing and len(citing) < len(chosen["modules"])
    commit(repo, {changed: files[changed] + addition}, message)
    return course_id, citing, before, await refreshed(api, course_id)


async def test_changing_one_document_regenerates_only_the_modules_that_cite_it(api, services, tmp_path):
    repo, changed = tmp_path / "loom", "docs/step03.md"
    course_id, citing, before, ended = await refreshed_after_one_change(
        api, repo, LOOM, changed, "\n## Tension\n\nKeep the warp under even tension so that the weft lies "
        "flat across every thread.\n", "document tension")

    assert ended["status"] == "NEW_VERSION", ended
    assert ended["version"] == 2 and ended["commit_sha"] == git(repo, "rev-parse", "HEAD")
    after = await module_contents(api, course_id)
    assert set(after) == set(before)
    for module_id, module in after.items():
        if module_id in citing:
            assert module["content_hash"] != before[module_id]["content_hash"], module["title"]
        else:  # kept byte for byte: the very same stored content
            assert module["content_ref"] == before[module_id]["content_ref"], module["title"]
            assert module["content"] == before[module_id]["content"]
    newest, first = await versions(api, course_id)
    assert newest["version"] == 2 and newest["current"] and not first["current"]
    assert newest["changelog"]["documents"]["changed"] == [changed]
    regenerated = {m["module_id"] for m in newest["changelog"]["modules"]["regenerated"]}
    assert regenerated == citing
    assert {m["module_id"] for m in newest["changelog"]["modules"]["kept"]} == set(before) - citing
    assert "1 document changed" in newest["summary"]
    cost = newest["cost"]
    assert cost["cache_hits"] == cost["documents_analysed"] - 1  # only the changed document was analysed
    assert cost["modules_reused"] == len(before) - len(citing) and cost["modules_written"] == len(citing)
    for version in (newest, first):
        download = await api.get(version["export"]["url"], headers=ALICE)
        assert download.status_code == 200 and download.content[:2] == b"PK"
    assert (await api.get(f"/api/courses/{course_id}/versions/3/export", headers=ALICE)).status_code == 409


async def test_a_real_tree_refreshed_after_one_change_keeps_every_module_that_cites_none_of_it(
        api, services, tmp_path):
    """Starlette's documentation (committed in tests/fixtures): a module whose documents did not
    change is the same after a refresh, though wrong answers, terms and titles could draw on the
    whole course (issue 44: a module citing nothing of the changed page came back different)."""
    tree = Path(__file__).parents[1] / "fixtures" / "ordered_books" / "starlette"
    files = {str(path.relative_to(tree)): path.read_text() for path in sorted((tree / "docs").rglob("*.md"))}
    files["README.md"] = "# Starlette\n\nThe documentation of Starlette, a lightweight ASGI framework.\n"
    course_id, citing, before, ended = await refreshed_after_one_change(
        api, tmp_path / "starlette", files, "docs/middleware.md", "\n## Ordering\n\nMiddleware runs in the "
        "order it is listed: the first in the list wraps every other.\n", "middleware order")

    assert ended["status"] == "NEW_VERSION", ended
    after = await module_contents(api, course_id)
    assert set(after) == set(before)
    for module_id in set(before) - citing:
        assert after[module_id]["content"] == before[module_id]["content"], before[module_id]["title"]
    assert any(after[m]["content"] != before[m]["content"] for m in citing)


async def test_a_removed_document_leaves_every_module(api, services, repo):
    course_id, chosen = await written_course(api, str(repo))
    removed = "docs/guides/publishing.md"
    git(repo, "rm", "-q", removed)
    git(repo, "commit", "-q", "-m", "drop the publishing guide")

    ended = await refreshed(api, course_id)

    assert ended["status"] == "NEW_VERSION", ended
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
    kept = next(p for p in pathways if p["id"] == chosen["id"])
    assert removed not in {d["path"] for m in kept["modules"] for d in m["documents"]}
    newest = (await versions(api, course_id))[0]
    assert newest["changelog"]["documents"]["removed"] == [removed]
    course = (await api.get(f"/api/courses/{course_id}/generated-course", headers=ALICE)).json()
    cited = {s["source"]["path"] for m in course["modules"] for s in m["content"]["sections"]}
    assert removed not in cited


async def test_a_failed_refresh_keeps_the_current_version(api, services, repo, tmp_path):
    course_id, _ = await written_course(api, str(repo))
    before = await module_contents(api, course_id)

    ended = await refreshed(api, course_id, {"ref": "no-such-branch"})

    assert ended["status"] == "FAILED" and "current version stays" in ended["message"], ended
    assert [v["version"] for v in await versions(api, course_id)] == [1]
    assert await module_contents(api, course_id) == before
    download = await api.get(f"/api/courses/{course_id}/export", headers=ALICE)
    assert download.status_code == 200


async def test_refresh_is_refused_before_a_first_version_and_to_others(api, repo):
    created = await api.post("/api/projects/", json={"title": "Not yet written"}, headers=ALICE)
    course_id = created.json()["course_id"]
    early = await api.post(f"/api/courses/{course_id}/refresh", json={}, headers=ALICE)
    assert early.status_code == 409 and "generate-course" in early.json()["detail"]
    other = await api.post(f"/api/courses/{course_id}/refresh", json={}, headers=auth("bob"))
    assert other.status_code == 404
    assert (await api.get(f"/api/courses/{course_id}/versions", headers=auth("bob"))).status_code == 404
    assert (await api.get(f"/api/courses/{course_id}/versions", headers=ALICE)).json() == {"versions": []}
    assert (await api.get(f"/api/courses/{course_id}/refresh", headers=ALICE)).json()["status"] == "NONE"
    bad = await api.post(f"/api/courses/{course_id}/refresh", json={"ref": "a b"}, headers=ALICE)
    assert bad.status_code == 422 and "ref" in bad.text


async def test_a_structure_changed_too_much_offers_new_pathways(api, services, tmp_path):
    repo = tmp_path / "loom"
    make_repo(repo, LOOM)
    course_id, chosen = await written_course(api, str(repo))
    for step in ("docs/step01.md", "docs/step02.md", "docs/step03.md", "docs/step04.md"):
        git(repo, "rm", "-q", step)
    git(repo, "commit", "-q", "-m", "keep two steps")

    ended = await refreshed(api, course_id)

    assert ended["status"] == "NEEDS_CHOICE" and "choose one" in ended["message"], ended
    assert [v["version"] for v in await versions(api, course_id)] == [1]
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
    assert pathways and chosen["id"] not in {p["id"] for p in pathways}
    choose = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                            json={"selected_pathway_id": pathways[0]["id"]})
    assert choose.status_code == 200, choose.text
    await start(api, course_id, "generate-course", {})
    assert (await wait_for_stage(api, course_id, "stage4", timeout=120))["status"] == "SUCCESS"
    newest = (await versions(api, course_id))[0]
    assert newest["version"] == 2 and sorted(newest["changelog"]["documents"]["removed"]) == [
        "docs/step01.md", "docs/step02.md", "docs/step03.md", "docs/step04.md"]


async def test_a_refresh_goes_on_after_the_gateway_restarts(settings, services, nats_server, tmp_path):
    """The refresh manager is a durable consumer: a stage that ends while no gateway runs is
    taken up by the next one."""
    local = settings.model_copy(update={"allow_local_repos": True})
    repo = tmp_path / "loom"
    make_repo(repo, LOOM)
    async with running_gateway(local) as api:
        course_id, _ = await written_course(api, str(repo))
        commit(repo, {"docs/step05.md": LOOM["docs/step05.md"] + "\nFinish the cloth by hand.\n"}, "finish")
        response = await api.post(f"/api/courses/{course_id}/refresh", json={}, headers=ALICE)
        assert response.status_code == 202, response.text
        refresh_id = response.json()["refresh_id"]

        async def scanning():  # the manager has asked stage 1 to scan: then the gateway stops
            status = (await api.get(f"/api/courses/{course_id}/refresh", headers=ALICE)).json()
            return status["status"] == "RUNNING" and status["stage"] == "stage1"
        await eventually(scanning, timeout=30, message="the refresh asking for stage 1")
    nc = await connect(nats_server.url, "e2e-test")
    try:
        store = EventStore(nc.jetstream())

        async def scanned_again():
            return len((await store.load(course_id, only=(RepoCloned,))).events) == 2
        await eventually(scanned_again, timeout=60, message="stage 1 of the refresh ending with no gateway")
    finally:
        await nc.close()
    async with running_gateway(local) as api:
        ended = await refresh_ended(api, course_id, refresh_id)
        assert ended["status"] == "NEW_VERSION", ended
        assert [v["version"] for v in await versions(api, course_id)] == [2, 1]
