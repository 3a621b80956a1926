"""A private-repository token at rest, through the gateway and a real repo_clone process on a real
nats-server: the KV entry and the server's files never hold it in clear, only repo_clone's key opens
it, a wrong key fails the stage with a reason and without the ciphertext, a rotation keeps the
previous key working, and the entry is gone once the clone used it or the run was cancelled."""
from __future__ import annotations

import base64
from pathlib import Path

from nats.js.errors import KeyNotFoundError

from shared.bus.eventstore import EventStore
from shared.events.catalogue import RepoCloneRequested
from shared.sealing import DEVELOPMENT_PRIVATE_KEY, Opener, new_private_key
from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.gitrepos import DOCS_REPO, make_repo
from tests.support.processes import Process
from tests.support.waiting import eventually

TOKEN = "ghp_SEALED0123456789abcdefTOKEN"
SECRETS = "course-secrets"


def spellings(value: bytes | str) -> list[bytes]:
    """The ways a value could show up in a file or a log: as is, base64, hex."""
    raw = value.encode() if isinstance(value, str) else value
    return [raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw), raw.hex().encode()]


async def token_ref(js, course_id: str) -> str:
    events = (await EventStore(js).load(course_id)).events
    (request,) = [e for e in events if isinstance(e, RepoCloneRequested)]
    assert request.payload.token_ref and TOKEN not in request.payload.token_ref
    return request.payload.token_ref


async def stored(js, key: str) -> bytes | None:
    try:
        return (await (await js.key_value(SECRETS)).get(key)).value
    except KeyNotFoundError:
        return None


def files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


async def test_the_kv_and_the_servers_files_never_hold_the_token_and_it_goes_after_the_clone(
        api, js, start_repo_clone, tmp_path):
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    # No repo_clone yet: the entry waits in the KV as the gateway stored it.
    await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "widget"), "token": TOKEN})
    key = await token_ref(js, course_id)
    sealed = await stored(js, key)
    assert sealed, "the gateway stored nothing under the event's token_ref"
    for spelling in spellings(TOKEN):
        assert spelling not in sealed
    assert Opener([DEVELOPMENT_PRIVATE_KEY]).open(sealed, bound_to=key) == TOKEN  # it is the token, sealed

    # The server's own files: a clear value written beside it reaches the disk, the token never does.
    marker = b"clear-marker-written-by-the-test-0123456789"
    await (await js.key_value(SECRETS)).put(f"{course_id}.control", marker)
    nats_files = tmp_path / "nats"
    await eventually(lambda: files_containing(nats_files, marker), timeout=30,
                     message="the KV's writes reaching the server's files")
    for spelling in spellings(TOKEN):
        assert not files_containing(nats_files, spelling), spelling

    start_repo_clone()
    status = await wait_for_stage(api, course_id, "stage1")
    assert status["status"] == "SUCCESS", status
    await eventually(lambda: _gone(js, key), timeout=10, message="the token leaving the KV after the clone")


async def _gone(js, key: str) -> bool:
    return await stored(js, key) is None


async def test_a_wrong_key_fails_the_stage_clearly_and_shows_no_ciphertext(api, js, start_repo_clone, tmp_path):
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "widget"), "token": TOKEN})
    sealed = await stored(js, await token_ref(js, course_id))
    service = start_repo_clone(SECRETS_KEY=new_private_key())  # not the key the gateway sealed to
    status = await wait_for_stage(api, course_id, "stage1")
    assert status["status"] == "FAILURE", status
    assert "cannot be opened with SECRETS_KEY" in status["error_message"]
    service.interrupt()
    output = "\n".join(service.output) + "\n" + "\n".join(_drain(service))
    assert output.strip(), "the service printed nothing; its output cannot be checked"
    events = b"".join(e.model_dump_json().encode() for e in (await EventStore(js).load(course_id)).events)
    for spelling in spellings(sealed) + spellings(sealed[1:]) + spellings(TOKEN):
        assert spelling.decode(errors="replace") not in output
        assert spelling not in events


def _drain(service: Process) -> list[str]:
    lines = []
    while not service.lines.empty():
        lines.append(service.lines.get_nowait())
    return lines


async def test_a_rotated_key_still_opens_what_was_sealed_before(api, start_repo_clone, tmp_path):
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "widget"), "token": TOKEN})
    # The gateway sealed to the development key; repo_clone has moved to a new one and keeps the old.
    start_repo_clone(SECRETS_KEY=new_private_key(), SECRETS_KEY_PREVIOUS=DEVELOPMENT_PRIVATE_KEY)
    status = await wait_for_stage(api, course_id, "stage1")
    assert status["status"] == "SUCCESS", status


async def test_a_cancelled_run_takes_its_token_with_it(api, js, tmp_path):
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)
    await start(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "widget"), "token": TOKEN})
    key = await token_ref(js, course_id)
    other = await new_course(api, title="Another course")
    await start(api, other, "analyze-repository", {"repo_url": str(tmp_path / "widget"), "token": TOKEN})
    other_key = await token_ref(js, other)
    assert await stored(js, key)
    cancelled = await api.post(f"/api/courses/{course_id}/stage1/cancel", headers=ALICE)
    assert cancelled.status_code == 202, cancelled.text
    assert await stored(js, key) is None
    assert await stored(js, other_key), "another course's token went with this one"

