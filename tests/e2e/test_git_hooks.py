"""A course's own git hooks (issue 42): the owner makes one, the forge posts a signed push to its
address, and only that course is refreshed — not another user's course on the same repository. A
delivery the forge sends again refreshes nothing twice, a deleted hook answers 404, and each hook's
deliveries are rate-limited (429 with Retry-After). Every stage service is a real process (offline
engine) on a private nats-server and PostgreSQL; the gateway runs in-process."""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid

import pytest

from tests.support.flows import ALICE, new_course
from tests.support.gateway import auth, running_gateway
from tests.support.gitrepos import COURSE_REPO, commit, make_repo
from tests.support.processes import stage_services
from tests.support.refreshing import refresh_ended, versions, written_course

BOB = auth("bob")
CHANGED = "docs/guides/publishing.md"


def push_body(repo: str) -> bytes:
    """A GitHub push to branch main of the repository at `repo` (a local path, named as a URL)."""
    url = f"file://{repo}"
    return json.dumps({"ref": "refs/heads/main", "before": "2" * 40, "after": "1" * 40, "deleted": False,
                       "repository": {"clone_url": f"{url}.git", "html_url": url, "default_branch": "main"},
                       "commits": []}).encode()


def signed(body: bytes, secret: str, delivery: str | None = None, event: str = "push") -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()), "X-Hub-Signature-256": f"sha256={digest}"}


async def last_seq(api) -> int:
    return (await api.app.state.container.js.stream_info("COURSES")).state.last_seq


@pytest.fixture
async def api(settings):
    async with running_gateway(settings.model_copy(update={"allow_local_repos": True})) as client:
        yield client


async def test_a_push_to_a_courses_hook_refreshes_that_course_once_and_no_other(api, nats_server, tmp_path):
    repo = tmp_path / "repo"
    make_repo(repo, COURSE_REPO)
    with stage_services(nats_server.url):
        mine, _ = await written_course(api, str(repo))
        theirs, _ = await written_course(api, str(repo), headers=BOB)

        made = await api.post(f"/api/courses/{mine}/hooks", headers=ALICE)
        assert made.status_code == 201, made.text
        hook = made.json()
        assert hook["url"] == f"/api/hooks/git/{hook['hook_id']}" and len(hook["secret"]) == 64
        listed = (await api.get(f"/api/courses/{mine}/hooks", headers=ALICE)).json()["hooks"]
        assert [h["hook_id"] for h in listed] == [hook["hook_id"]] and "secret" not in listed[0]
        # Someone else's course: as if it did not exist.
        assert (await api.post(f"/api/courses/{mine}/hooks", headers=BOB)).status_code == 404
        assert (await api.get(f"/api/courses/{mine}/hooks", headers=BOB)).status_code == 404

        commit(repo, {CHANGED: COURSE_REPO[CHANGED] + "\n## Compress messages\n\nSet `compression='zstd'`.\n"},
               "document compression")
        body, delivery = push_body(str(repo)), str(uuid.uuid4())
        before = await last_seq(api)
        refused = await api.post(hook["url"], content=body, headers=signed(body, hook["secret"][::-1]))
        assert refused.status_code == 401 and "nothing was refreshed" in refused.json()["detail"], refused.text
        assert await last_seq(api) == before

        answer = await api.post(hook["url"], content=body, headers=signed(body, hook["secret"], delivery))
        assert answer.status_code == 202, answer.text
        (refreshed,) = answer.json()["refreshed"]
        assert refreshed["course_id"] == mine and theirs not in answer.text
        # The forge sends the same delivery again (its retry, or a redelivery by hand).
        again = await api.post(hook["url"], content=body, headers=signed(body, hook["secret"], delivery))
        assert again.status_code == 202 and again.json()["refreshed"] == [], again.text
        assert "received before" in again.json()["ignored"]

        ended = await refresh_ended(api, mine, refreshed["refresh_id"])
        assert (ended["status"], ended["trigger"], ended["requested_by"]) == ("NEW_VERSION", "webhook", "alice")
        assert [v["version"] for v in await versions(api, mine)] == [2, 1]
        assert [v["version"] for v in await versions(api, theirs, headers=BOB)] == [1]
        assert (await api.get(f"/api/courses/{theirs}/refresh", headers=BOB)).json()["status"] == "NONE"

        deleted = await api.delete(f"/api/courses/{mine}/hooks/{hook['hook_id']}", headers=ALICE)
        assert deleted.status_code == 204, deleted.text
        gone = await api.post(hook["url"], content=body, headers=signed(body, hook["secret"]))
        assert gone.status_code == 404 and "nothing was refreshed" in gone.json()["detail"], gone.text
        assert (await api.get(f"/api/courses/{mine}/hooks", headers=ALICE)).json()["hooks"] == []


async def test_each_hooks_deliveries_are_rate_limited_and_unknown_hooks_are_404(settings):
    limited = settings.model_copy(update={"git_hook_deliveries_per_minute": 3})
    async with running_gateway(limited) as api:
        course_id = await new_course(api)
        first = (await api.post(f"/api/courses/{course_id}/hooks", headers=ALICE)).json()
        second = (await api.post(f"/api/courses/{course_id}/hooks", headers=ALICE)).json()
        ping = b'{"zen": "Design for failure."}'
        answers = [await api.post(first["url"], content=ping, headers=signed(ping, first["secret"], event="ping"))
                   for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429], [a.text for a in answers]
        assert int(answers[-1].headers["Retry-After"]) >= 1
        assert "deliveries in a minute" in answers[-1].json()["detail"]
        # Another hook has a rate of its own.
        other = await api.post(second["url"], content=ping, headers=signed(ping, second["secret"], event="ping"))
        assert other.status_code == 200, other.text
        # A stranger's deliveries, unsigned, do not spend the hook's rate: they are refused first.
        stranger = await api.post(second["url"], content=ping, headers=signed(ping, "guess", event="ping"))
        assert stranger.status_code == 401
        for made_up in (f"{course_id}.{'x' * 24}", "no-dot-at-all", f"{course_id}.short", "../../etc"):
            answer = await api.post(f"/api/hooks/git/{made_up}", content=ping,
                                    headers=signed(ping, first["secret"], event="ping"))
            assert answer.status_code in (401, 404), (made_up, answer.text)


async def test_a_hooks_refresh_is_held_to_the_owners_quotas(settings, tmp_path):
    make_repo(tmp_path / "repo", COURSE_REPO)
    # No stage service runs: the course's stage 1 run stays in flight, the one its owner may have.
    capped = settings.model_copy(update={"allow_local_repos": True, "max_runs_in_flight_per_user": 1})
    async with running_gateway(capped) as api:
        course_id = await new_course(api)
        started = await api.post(f"/api/courses/{course_id}/analyze-repository", headers=ALICE,
                                 json={"repo_url": str(tmp_path / "repo")})
        assert started.status_code == 202, started.text
        hook = (await api.post(f"/api/courses/{course_id}/hooks", headers=ALICE)).json()
        body = push_body(str(tmp_path / "repo"))
        before = await last_seq(api)

        answer = await api.post(hook["url"], content=body, headers=signed(body, hook["secret"]))

        assert answer.status_code == 202 and answer.json()["refreshed"] == [], answer.text
        (skipped,) = answer.json()["skipped"]
        assert skipped["course_id"] == course_id and "MAX_RUNS_IN_FLIGHT_PER_USER" in skipped["reason"]
        assert await last_seq(api) == before
