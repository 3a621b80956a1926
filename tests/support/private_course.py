"""A course on a private HTTPS repository, end to end: the repository served by a real git server
that wants a token (githttps.py), a sealing key pair of the test's own (so only the repo_clone given
its private half opens what the gateway sealed), the course written through stage 4 with the token
given to stage 1, and the places a token must never show up — the raw event log and the gateway's
answers — read as they are."""
from __future__ import annotations

import base64
import contextlib
from pathlib import Path
from typing import Iterator

from nats.js.errors import NotFoundError

from shared.sealing import new_private_key, public_key_of
from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.githttps import GitHttpsServer
from tests.support.gitrepos import git, make_repo


@contextlib.contextmanager
def private_repository(folder: Path, files: dict[str, str], name: str,
                       tokens: set[str]) -> Iterator[tuple[GitHttpsServer, Path]]:
    """`files` committed in a working repository under `folder` and served as `name`, readable only
    with one of `tokens`; yields the server and the working repository (push changes with `push`)."""
    work = folder / "work"
    make_repo(work, files)
    (folder / "served").mkdir()
    with GitHttpsServer(folder / "served", folder / "tls", private={name: set(tokens)}) as server:
        server.publish(work, name)
        yield server, work


def push(work: Path, server: GitHttpsServer, name: str) -> str:
    """The working repository's main branch pushed to the served bare repository (on disk: the
    server serves reads only); returns the pushed commit."""
    git(work, "push", "-q", str(server.root / name), "main")
    return git(work, "rev-parse", "HEAD")


def sealing_keys() -> tuple[str, str]:
    """(SECRETS_KEY for repo_clone, SECRETS_PUBLIC_KEY for the gateway): a fresh pair, not the
    development one, so a token opens only where the test means it to."""
    private = new_private_key()
    return private, public_key_of(private)


async def written_private_course(api, repo_url: str, token: str, headers=ALICE) -> str:
    """A course written through stage 4 from `repo_url` at its head, the token given to stage 1,
    docs/ and README.md selected, on the pathway with the most modules."""
    course_id = await new_course(api, headers)
    await start(api, course_id, "analyze-repository", {"repo_url": repo_url, "token": token}, headers)
    status = await wait_for_stage(api, course_id, "stage1", headers=headers)
    assert status["status"] == "SUCCESS", status
    selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=headers,
                              json={"selected_folders": ["docs"], "overview_document": "README.md"})
    assert selected.status_code == 200, selected.text
    await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"}, headers)
    assert (await wait_for_stage(api, course_id, "stage2", timeout=120, headers=headers))["status"] == "SUCCESS"
    await start(api, course_id, "generate-pathways", {"additional_info": "hands-on examples"}, headers)
    assert (await wait_for_stage(api, course_id, "stage3", timeout=120, headers=headers))["status"] == "SUCCESS"
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=headers)).json()["pathways"]
    chosen = max(pathways, key=lambda p: len(p["modules"]))
    picked = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=headers,
                            json={"selected_pathway_id": chosen["id"]})
    assert picked.status_code == 200, picked.text
    await start(api, course_id, "generate-course", {}, headers)
    status = await wait_for_stage(api, course_id, "stage4", timeout=120, headers=headers)
    assert status["status"] == "SUCCESS", status
    return course_id


def spellings(value: str) -> list[bytes]:
    """The ways a secret could show up in bytes: as is, base64 (both alphabets), hex."""
    raw = value.encode()
    return [raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw), raw.hex().encode()]


async def raw_log(js, stream: str = "COURSES") -> list[bytes]:
    """Every stored message of the stream as its bytes on the wire: subject, headers and body, not
    decoded into events (a field the catalogue drops would still be seen here)."""
    state = (await js.stream_info(stream)).state
    messages = []
    for seq in range(state.first_seq, state.last_seq + 1):
        with contextlib.suppress(NotFoundError):
            msg = await js.get_msg(stream, seq)
            headers = "".join(f"{k}: {v}\n" for k, v in (msg.headers or {}).items())
            messages.append(msg.subject.encode() + b"\n" + headers.encode() + msg.data)
    return messages


def record_answers(api) -> list[bytes]:
    """From now on, every answer `api` (an httpx.AsyncClient) receives — status polls included —
    is kept, headers and body, in the returned list."""
    answers: list[bytes] = []

    async def keep(response) -> None:
        body = await response.aread()
        headers = "".join(f"{k}: {v}\n" for k, v in response.headers.items())
        answers.append(f"{response.request.method} {response.request.url} {response.status_code}\n{headers}".encode()
                       + body)

    api.event_hooks["response"].append(keep)
    return answers
