"""Refreshing a course written from a private HTTPS repository (issue 18): the token Alice gave to
stage 1 was sealed into the KV and removed after its one use, so a refresh without a token is refused
saying to send one, and the current version stays; a refresh given her token again writes the
new version. The token never shows in the raw event log, in any of the gateway's answers, nor in
the services' output. Every stage service is a real process (offline engine), the git server a real
one over HTTPS that wants the token, and the sealing keys the test's own."""
from __future__ import annotations

import pytest
from nats.js.errors import KeyNotFoundError

from shared.bus.eventstore import EventStore
from shared.events.catalogue import CourseRefreshRequested
from tests.support.flows import ALICE
from tests.support.gateway import running_gateway
from tests.support.gitrepos import COURSE_REPO, commit
from tests.support.private_course import (
    private_repository, push, raw_log, record_answers, sealing_keys, spellings, written_private_course,
)
from tests.support.processes import stage_services
from tests.support.refreshing import refreshed, versions

TOKEN = "ghp_AliceRefresh0123456789abcdefPRIVATE"
REPOSITORY = "skyline.git"
SECRETS = "course-secrets"


@pytest.fixture
def keys():
    return sealing_keys()


@pytest.fixture
def forge(tmp_path):
    with private_repository(tmp_path / "forge", COURSE_REPO, REPOSITORY, {TOKEN}) as served:
        yield served


@pytest.fixture
async def api(settings, keys):
    """The gateway sealing to the test's public key (overrides tests/e2e/conftest.py's)."""
    sealing = settings.model_copy(update={"allow_local_repos": True, "secrets_public_key": keys[1]})
    async with running_gateway(sealing) as client:
        yield client


@pytest.fixture
def services(nats_server, forge, keys, api):
    server, _ = forge
    env = {"GIT_SSL_CAINFO": str(server.ca_file), "SECRETS_KEY": keys[0]}
    with stage_services(nats_server.url, env=env) as running:
        yield running


async def test_a_private_course_refreshes_only_with_its_token_given_again(api, js, forge, services):
    server, work = forge
    answers = record_answers(api)
    course_id = await written_private_course(api, server.url(REPOSITORY), TOKEN)
    commit(work, {"docs/getting-started.md": COURSE_REPO["docs/getting-started.md"]
                  + "\n## Stop the broker\n\nStop the broker with `skyline stop` before you upgrade it.\n"},
           "document stopping the broker")
    head = push(work, server, REPOSITORY)

    # (1) The stage 1 token was used up: a refresh without one is refused, saying to send one.
    without = await api.post(f"/api/courses/{course_id}/refresh", json={}, headers=ALICE)
    assert without.status_code == 409, without.text
    message = without.json()["detail"]
    assert "private" in message and "send a token with the refresh" in message, message
    assert [v["version"] for v in await versions(api, course_id)] == [1]
    assert (await api.get(f"/api/courses/{course_id}/export", headers=ALICE)).status_code == 200

    # (2) Her token, given to the refresh, reads the new head.
    given = await refreshed(api, course_id, {"token": TOKEN})
    assert given["status"] == "NEW_VERSION", given
    assert given["commit_sha"] == head and given["version"] == 2
    newest = (await versions(api, course_id))[0]
    assert newest["version"] == 2 and newest["changelog"]["documents"]["changed"] == ["docs/getting-started.md"]

    # The refresh's sealed token went once its clone had used it.
    requests = (await EventStore(js).load(course_id, only=(CourseRefreshRequested,))).events
    [token_ref] = [r.payload.token_ref for r in requests]  # the refused one was never appended
    assert token_ref, requests
    with pytest.raises(KeyNotFoundError):
        await (await js.key_value(SECRETS)).get(token_ref)

    # (3) Nowhere in clear (nor base64, nor hex): the log as stored, every answer, the services' output.
    log = await raw_log(js)
    assert any(course_id.encode() in message for message in log)
    assert answers and any(b"NEW_VERSION" in answer for answer in answers)
    output = "\n".join(line for service in services for line in _drained(service)).encode()
    for spelling in spellings(TOKEN):
        assert not [m for m in log if spelling in m], f"the event log holds the token ({spelling!r})"
        assert not [a for a in answers if spelling in a], f"an answer holds the token ({spelling!r})"
        assert spelling not in output, f"a service printed the token ({spelling!r})"


def _drained(service) -> list[str]:
    lines = list(service.output)
    while not service.lines.empty():
        lines.append(service.lines.get_nowait())
    return lines
