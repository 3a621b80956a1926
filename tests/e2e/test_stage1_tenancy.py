"""No cross-tenant snapshot: through the gateway, with repo_clone as a real process and a real git
server over HTTPS that wants a token for the private repository (tests/support/githttps.py). Naming the
URL and commit of someone else's private repository gets "access denied", not their documents;
the owner's own next course reuses the snapshot; a snapshot fetched with a token is never shared
with another user, even one with their own access; deleting the owner's courses deletes it; and
a query-string token is refused at the API."""
from __future__ import annotations

import pytest
from nats.js.errors import NotFoundError

from shared.bus.eventstore import EventStore
from shared.bus.snapshots import split_reference
from shared.events.catalogue import RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageFailed
from services.repo_clone.git_failures import ACCESS_DENIED_MESSAGE
from tests.support.gateway import auth
from tests.support.githttps import GitHttpsServer
from tests.support.gitrepos import DOCS_REPO, git, make_repo
from tests.support.processes import Process
from tests.support.waiting import eventually

ALICE, BOB = auth("alice"), auth("bob")
ALICE_TOKEN, BOB_TOKEN = "tok-alice-7f3a", "tok-bob-91c2"
SECRET_PAGE = "docs/guide/install.md"
TERMINAL = ("SUCCESS", "FAILURE", "CANCELLED")


@pytest.fixture
def forge(tmp_path):
    """`alice.git` readable with Alice's token (and, later in a test, Bob's); `open.git` by anyone."""
    work = tmp_path / "work"
    make_repo(work, {**DOCS_REPO, SECRET_PAGE: "# Install\n\nAlice's private install notes.\n"})
    (tmp_path / "served").mkdir()
    with GitHttpsServer(tmp_path / "served", tmp_path / "tls", private={"alice.git": {ALICE_TOKEN}}) as server:
        server.publish(work, "alice.git")
        server.publish(work, "open.git")
        yield server


@pytest.fixture
def repo_clone(nats_server, forge, api):
    service = Process(["-m", "services.repo_clone.main"],
                      {"NATS_URL": nats_server.url, "ALLOW_LOCAL_REPOS": "true", "GIT_SSL_CAINFO": str(forge.ca_file)})
    yield service
    service.interrupt()


async def new_course(api, who) -> str:
    response = await api.post("/api/projects/", json={"title": "Course"}, headers=who)
    assert response.status_code == 201, response.text
    return response.json()["course_id"]


async def run_stage1(api, who, course_id: str, body: dict) -> dict:
    started = await api.post(f"/api/courses/{course_id}/analyze-repository", json=body, headers=who)
    assert started.status_code == 202, started.text
    task_id = started.json()["task_id"]

    async def finished():
        status = (await api.get(f"/api/courses/{course_id}/stage1/status", headers=who)).json()
        return status if status["task_id"] == task_id and status["status"] in TERMINAL else None
    return await eventually(finished, timeout=60, message=f"stage 1 of {course_id} finishing")


async def cloned(js, course_id: str) -> list[RepoCloned]:
    return [e for e in (await EventStore(js).load(course_id)).events if isinstance(e, RepoCloned)]


async def discovered(js, course_id: str) -> list[RepoFilesDiscovered]:
    return [e for e in (await EventStore(js).load(course_id)).events if isinstance(e, RepoFilesDiscovered)]


async def snapshot_names(js, reference: str) -> list[str]:
    bucket, key = split_reference(reference)
    try:
        entries = await (await js.object_store(bucket)).list()
    except NotFoundError:
        return []
    return sorted(e.name for e in entries if e.name.startswith(f"{key}/") and not e.deleted)


async def alice_clones(api, js, forge) -> tuple[str, RepoCloned]:
    """Alice's course on her private repository at its head commit, by sha, with her token."""
    course = await new_course(api, ALICE)
    sha = git(forge.root / "alice.git", "rev-parse", "HEAD")
    status = await run_stage1(api, ALICE, course, {"repo_url": forge.url("alice.git"), "ref": sha,
                                                   "token": ALICE_TOKEN})
    assert status["status"] == "SUCCESS", status
    (event,) = await cloned(js, course)
    assert event.payload.commit_sha == sha
    return course, event


async def test_another_users_private_commit_is_access_denied_and_the_owner_reuses_it(api, js, forge, repo_clone):
    first, original = await alice_clones(api, js, forge)
    assert original.payload.snapshot_reused is False
    body = {"repo_url": forge.url("alice.git"), "ref": original.payload.commit_sha}

    for token in (None, "tok-wrong"):
        bobs = await new_course(api, BOB)
        status = await run_stage1(api, BOB, bobs, {**body, **({"token": token} if token else {})})
        assert status["status"] == "FAILURE", status
        assert status["error_message"] == ACCESS_DENIED_MESSAGE
        assert await cloned(js, bobs) == [] and await discovered(js, bobs) == []
        listing = (await api.get(f"/api/courses/{bobs}/repository-files", headers=BOB)).json()
        assert listing["total_files"] == 0 and SECRET_PAGE not in str(listing)

    second, _ = await alice_clones(api, js, forge)
    (reuse,) = await cloned(js, second)
    assert reuse.payload.snapshot_reused is True
    assert reuse.payload.snapshot_ref == original.payload.snapshot_ref


async def test_a_private_snapshot_is_not_shared_even_with_another_reader(api, js, forge, repo_clone):
    _, alices = await alice_clones(api, js, forge)
    forge.private["alice.git"].add(BOB_TOKEN)  # Alice gives Bob access
    bobs = await new_course(api, BOB)
    status = await run_stage1(api, BOB, bobs, {"repo_url": forge.url("alice.git"),
                                               "ref": alices.payload.commit_sha, "token": BOB_TOKEN})
    assert status["status"] == "SUCCESS", status
    (event,) = await cloned(js, bobs)
    assert event.payload.snapshot_reused is False
    assert event.payload.snapshot_ref != alices.payload.snapshot_ref


async def test_a_private_snapshot_goes_with_the_last_course_that_uses_it(api, js, forge, repo_clone):
    first, event = await alice_clones(api, js, forge)
    second, _ = await alice_clones(api, js, forge)
    reference = event.payload.snapshot_ref
    stored = await snapshot_names(js, reference)
    assert any(name.endswith("/documents.tar.gz") for name in stored)

    assert (await api.delete(f"/api/projects/{first}", headers=ALICE)).status_code == 200

    async def marker_gone() -> bool:
        return not any(name.endswith(f"/courses/{first}") for name in await snapshot_names(js, reference))
    await eventually(marker_gone, timeout=20, message="the deleted course's marker removed")
    assert any(name.endswith("/manifest.json") for name in await snapshot_names(js, reference)), \
        "the snapshot went while another course still uses it"

    assert (await api.delete(f"/api/projects/{second}", headers=ALICE)).status_code == 200

    async def snapshot_gone() -> bool:
        return await snapshot_names(js, reference) == []
    await eventually(snapshot_gone, timeout=20, message="the private snapshot deleted with its last course")


async def test_a_public_repository_fetched_without_a_token_is_reused_across_users(api, js, forge, repo_clone):
    body = {"repo_url": forge.url("open.git")}
    alices, bobs = await new_course(api, ALICE), await new_course(api, BOB)
    assert (await run_stage1(api, ALICE, alices, body))["status"] == "SUCCESS"
    assert (await run_stage1(api, BOB, bobs, body))["status"] == "SUCCESS"
    (one,), (two,) = await cloned(js, alices), await cloned(js, bobs)
    assert one.payload.snapshot_reused is False and two.payload.snapshot_reused is True
    assert two.payload.snapshot_ref == one.payload.snapshot_ref


@pytest.mark.parametrize("query", ["private_token=glpat-s3cr3t", "access_token=s3cr3t", "token=s3cr3t"])
async def test_a_token_in_the_query_string_is_refused_at_the_api(api, forge, query):
    course = await new_course(api, ALICE)
    response = await api.post(f"/api/courses/{course}/analyze-repository",
                              json={"repo_url": f"{forge.url('alice.git')}?{query}"}, headers=ALICE)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "query string" in detail and "token field" in detail and "s3cr3t" not in detail


async def test_a_token_in_the_query_string_fails_the_stage_clearly(api, js, forge, repo_clone):
    """A request that did not come through the gateway's check (an older gateway, a replayed
    command) is refused by the stage itself, naming the reason and not the token."""
    course = await new_course(api, ALICE)
    history = await EventStore(js).load(course)
    request = RepoCloneRequested(course_id=course, actor="alice", payload={
        "task_id": "t-query", "repo_url": f"{forge.url('alice.git')}?private_token=glpat-s3cr3t"})
    await EventStore(js).append(request, history.last_seq)

    async def failed():
        events = (await EventStore(js).load(course)).events
        return next((e for e in events if isinstance(e, StageFailed)), None)
    failure = await eventually(failed, timeout=30, message="stage 1 failing on the query string")
    assert "query string" in failure.payload.error_message
    assert "s3cr3t" not in failure.payload.error_message
    assert forge.requests == []
