"""`POST /api/hooks/git`: a forge's push refreshes every course built on that repository and branch.
The repository is served by a real git server over HTTPS (tests/support/githttps.py) as a forge
would; the test commits and pushes to it, then sends what GitHub or GitLab would send
(tests/support/git_webhooks.py). Every stage service is a real process (offline engine), with a
private nats-server and PostgreSQL; the gateway runs in-process with the shared secret set."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.support.flows import scanned_and_selected
from tests.support.gateway import auth, running_gateway
from tests.support.git_webhooks import SECRET, github_headers, github_push, gitlab_headers, gitlab_push
from tests.support.githttps import GitHttpsServer
from tests.support.gitrepos import COURSE_REPO, commit, git, make_repo
from tests.support.processes import stage_services
from tests.support.refreshing import refresh_ended, versions, written_course

HOOK = "/api/hooks/git"
CHANGED = "docs/guides/publishing.md"


class Forge:
    """The working copy the test commits in, and the served repository it pushes to."""

    def __init__(self, work: Path, served: Path, server: GitHttpsServer) -> None:
        self.work, self.served, self.server = work, served, server
        self.web_url = server.url("team/skyline")  # what the forge calls the repository

    def push(self, files: dict[str, str], message: str) -> str:
        sha = commit(self.work, files, message)
        git(self.work, "push", "-q", str(self.served), "main")
        return sha


@pytest.fixture
def forge(tmp_path):
    work = tmp_path / "work"
    make_repo(work, COURSE_REPO)
    (tmp_path / "served" / "team").mkdir(parents=True)
    with GitHttpsServer(tmp_path / "served", tmp_path / "tls") as server:
        yield Forge(work, server.publish(work, "team/skyline.git"), server)


@pytest.fixture
def services(nats_server, forge):
    with stage_services(nats_server.url, env={"GIT_SSL_CAINFO": str(forge.server.ca_file)}) as running:
        yield running


@pytest.fixture
async def hooked(settings):
    configured = settings.model_copy(update={"allow_local_repos": True, "git_webhook_secret": SecretStr(SECRET)})
    async with running_gateway(configured) as client:
        yield client


async def last_seq(api) -> int:
    return (await api.app.state.container.js.stream_info("COURSES")).state.last_seq


async def test_a_signed_github_push_refreshes_the_course_and_writes_a_new_version(hooked, services, forge):
    # The course was built on the clone URL as a user pastes it; the forge names it every way.
    course_id, _ = await written_course(hooked, f"{forge.web_url}.git")
    unwritten = await scanned_and_selected(hooked, forge.web_url, ["docs"], headers=auth("bob"))
    head = forge.push({CHANGED: COURSE_REPO[CHANGED] + "\n## Compress messages\n\nSet `compression='zstd'`.\n"},
                      "document compression")
    body = github_push(forge.web_url)

    answer = await hooked.post(HOOK, content=body, headers=github_headers(body))

    assert answer.status_code == 202, answer.text
    refreshed = answer.json()["refreshed"]
    assert [r["course_id"] for r in refreshed] == [course_id] and answer.json()["skipped"] == []
    assert unwritten not in answer.text  # no version yet: nothing to carry forward, not listed
    # The forge delivers again while the refresh runs: told why, nothing doubled.
    again = await hooked.post(HOOK, content=body, headers=github_headers(body))
    assert again.status_code == 202 and again.json()["refreshed"] == []
    assert [s["course_id"] for s in again.json()["skipped"]] == [course_id]
    assert "already running" in again.json()["skipped"][0]["reason"]
    assert "title" not in again.text and "Skyline" not in again.text

    ended = await refresh_ended(hooked, course_id, refreshed[0]["refresh_id"])
    assert ended["status"] == "NEW_VERSION", ended
    assert (ended["trigger"], ended["requested_by"], ended["commit_sha"]) == ("webhook", "alice", head)  # on the owner's behalf
    newest, first = await versions(hooked, course_id)
    assert (newest["version"], newest["commit_sha"], newest["current"]) == (2, head, True)
    assert newest["changelog"]["documents"]["changed"] == [CHANGED]
    assert first["commit_sha"] == git(forge.work, "rev-parse", "HEAD~1")


async def test_a_bad_signature_another_branch_or_a_tag_refreshes_nothing(hooked, services, forge):
    course_id, _ = await written_course(hooked, forge.web_url)
    forge.push({CHANGED: "# Publishing\n\nRewritten.\n"}, "rewrite publishing")
    body = github_push(forge.web_url)
    before = await last_seq(hooked)

    refusals = {
        "another secret": github_headers(body, secret=SECRET + "-old"),
        "no signature": {k: v for k, v in github_headers(body).items() if k != "X-Hub-Signature-256"},
        "another body's signature": github_headers(github_push(forge.web_url, ref="refs/heads/other")),
        "a wrong GitLab token": gitlab_headers("not-the-secret"),
        "no forge at all": {"Content-Type": "application/json"},
    }
    for why, headers in refusals.items():
        refused = await hooked.post(HOOK, content=body, headers=headers)
        assert refused.status_code == 401, (why, refused.text)
        assert "nothing was refreshed" in refused.json()["detail"], why
    other_branch = github_push(forge.web_url, ref="refs/heads/feature")
    answer = await hooked.post(HOOK, content=other_branch, headers=github_headers(other_branch))
    assert answer.status_code == 202 and answer.json()["refreshed"] == answer.json()["skipped"] == [], answer.text
    tag = github_push(forge.web_url, ref="refs/tags/v2.0")
    answer = await hooked.post(HOOK, content=tag, headers=github_headers(tag))
    assert answer.status_code == 202 and "not a branch" in answer.json()["ignored"], answer.text
    elsewhere = github_push(forge.server.url("team/skyline-docs"))
    answer = await hooked.post(HOOK, content=elsewhere, headers=github_headers(elsewhere))
    assert answer.status_code == 202 and answer.json()["refreshed"] == [], answer.text
    ping = await hooked.post(HOOK, content=b'{"zen": "Keep it logically awesome."}',
                             headers=github_headers(b'{"zen": "Keep it logically awesome."}', event="ping"))
    assert ping.status_code == 200, ping.text

    assert await last_seq(hooked) == before, "a refused or ignored delivery appended to the log"
    status = (await hooked.get(f"/api/courses/{course_id}/refresh", headers=auth("alice"))).json()
    assert status["status"] == "NONE"
    assert [v["version"] for v in await versions(hooked, course_id)] == [1]


async def test_a_gitlab_push_hook_with_the_token_refreshes_the_course(hooked, services, forge):
    course_id, _ = await written_course(hooked, f"{forge.web_url}/")
    body = gitlab_push(forge.web_url)

    answer = await hooked.post(HOOK, content=body, headers=gitlab_headers())

    assert answer.status_code == 202, answer.text
    (refreshed,) = answer.json()["refreshed"]
    assert refreshed["course_id"] == course_id
    ended = await refresh_ended(hooked, course_id, refreshed["refresh_id"])
    # Nothing was pushed since the course was written: the refresh says so and writes no version.
    assert (ended["status"], ended["trigger"]) == ("UNCHANGED", "webhook"), ended
    assert [v["version"] for v in await versions(hooked, course_id)] == [1]


async def test_a_signed_body_that_is_no_push_is_a_400_and_an_oversized_one_a_413(hooked, settings):
    before = await last_seq(hooked)
    for body in (b"", b"not json", b"\xff\xfe", b"[" * 50_000, b"[]", b'{"ref": "refs/heads/main"}'):
        answer = await hooked.post(HOOK, content=body, headers=github_headers(body))
        assert answer.status_code == 400 and "nothing was refreshed" in answer.json()["detail"], (body[:20], answer.text)
    oversized = github_push("https://forge.example/team/skyline").replace(b'"commits": []', b'"commits": ["' +
                                                                          b"x" * settings.max_body_bytes + b'"]')
    answer = await hooked.post(HOOK, content=oversized, headers=github_headers(oversized))
    assert answer.status_code == 413, answer.text  # the gateway's edge bounds every body, this one's too
    assert await last_seq(hooked) == before


async def test_without_a_secret_webhooks_are_off(api):
    body = github_push("https://forge.example/team/skyline")
    answer = await api.post(HOOK, content=body, headers=github_headers(body))
    assert answer.status_code == 404 and "GIT_WEBHOOK_SECRET" in answer.json()["detail"]
