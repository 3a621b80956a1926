"""Stage 1 under stress, through the gateway with the repo_clone service as a real process and real
NATS and PostgreSQL: secrets stay out of the log, limits are named, a 50,000-file repository is
announced in chunks, a crash mid-clone completes the stage exactly once, snapshots are reused,
refs resolve, and a re-run replaces the previous results."""
from __future__ import annotations

import base64
import contextlib
import logging
from collections import Counter
from pathlib import Path

import pytest
from nats.js.errors import NotFoundError

from shared.bus.eventstore import EventStore
from shared.bus.secret_store import SecretStore
from shared.sealing import DEVELOPMENT_PRIVATE_KEY, Opener
from shared.events.catalogue import (
    RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageProgressed, StageStarted,
)
from tests.support.gateway import auth
from tests.support.gitrepos import DOCS_REPO, commit, git, make_repo
from tests.support.processes import Process
from tests.support.waiting import eventually

ALICE = auth("alice")
STREAM = "COURSES"
TERMINAL = ("SUCCESS", "FAILURE", "CANCELLED")
ONE_MB = 1024 * 1024


# --------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------

async def new_course(api, title: str = "Widget course") -> str:
    response = await api.post("/api/projects/", json={"title": title}, headers=ALICE)
    assert response.status_code in (200, 201), response.text
    return response.json()["course_id"]


async def start_stage1(api, course_id: str, body: dict) -> str:
    started = await api.post(f"/api/courses/{course_id}/analyze-repository", json=body, headers=ALICE)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "started"
    return started.json()["task_id"]


async def stage1_status(api, course_id: str) -> dict:
    response = await api.get(f"/api/courses/{course_id}/stage1/status", headers=ALICE)
    assert response.status_code == 200, response.text
    return response.json()


async def wait_finished(api, course_id: str, task_id: str, timeout: float = 60) -> dict:
    """The stage 1 status once the run `task_id` has finished (whatever the outcome)."""
    async def finished():
        status = await stage1_status(api, course_id)
        return status if status["task_id"] == task_id and status["status"] in TERMINAL else None
    return await eventually(finished, timeout=timeout, message=f"stage 1 run {task_id} finishing")


async def run_stage1(api, course_id: str, body: dict, timeout: float = 60) -> dict:
    return await wait_finished(api, course_id, await start_stage1(api, course_id, body), timeout)


async def stream_messages(js) -> list:
    """Every message of the COURSES stream, raw (subject, headers, data), in stream order."""
    state = (await js.stream_info(STREAM)).state
    messages = []
    for seq in range(state.first_seq, state.last_seq + 1):
        with contextlib.suppress(NotFoundError):
            messages.append(await js.get_msg(STREAM, seq))
    return messages


async def course_events(js, course_id: str) -> list:
    return (await EventStore(js, STREAM).load(course_id)).events


def of_type(events: list, cls) -> list:
    return [e for e in events if isinstance(e, cls)]


async def repository_files(api, course_id: str, **params) -> dict:
    response = await api.get(f"/api/courses/{course_id}/repository-files", params=params, headers=ALICE)
    assert response.status_code == 200, response.text
    return response.json()


async def all_listed_paths(api, course_id: str, page: int = 5000) -> tuple[int, list[str]]:
    """(total_files, every path) by walking the paginated listing."""
    first = await repository_files(api, course_id, limit=page, offset=0)
    total, paths = first["total_files"], [f["path"] for f in first["files"]]
    for offset in range(page, total, page):
        listing = await repository_files(api, course_id, limit=page, offset=offset)
        assert listing["total_files"] == total
        paths += [f["path"] for f in listing["files"]]
    return total, paths


def drained_output(process: Process) -> str:
    while not process.lines.empty():
        process.output.append(process.lines.get())
    return "\n".join(process.output)


def write_many(root: Path, folders: int, per_folder: int, docs: bool = True, code: bool = True,
               padding: int = 0) -> None:
    """`folders` x `per_folder` Markdown documents under docs/ and as many Python files under src/."""
    filler = "Lorem ipsum dolor sit amet. " * (padding // 28 + 1) if padding else ""
    for i in range(folders):
        doc_dir, src_dir = root / "docs" / f"section{i:03d}", root / "src" / f"pkg{i:03d}"
        if docs:
            doc_dir.mkdir(parents=True, exist_ok=True)
        if code:
            src_dir.mkdir(parents=True, exist_ok=True)
        for j in range(per_folder):
            if docs:
                (doc_dir / f"page{j:03d}.md").write_text(f"# Page {i}.{j}\n\nSection {i}, page {j}.\n{filler}\n")
            if code:
                (src_dir / f"mod{j:03d}.py").write_text(f"VALUE = {i * per_folder + j}\n")


def make_big_repo(repo: Path, folders: int, per_folder: int, padding: int = 0) -> str:
    """One commit of generated files, added and committed in one go; returns the commit sha."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    write_many(repo, folders, per_folder, padding=padding)
    git(repo, "-c", "core.fsync=none", "add", "-A")
    git(repo, "-c", "core.fsync=none", "commit", "-q", "-m", "generated")
    return git(repo, "rev-parse", "HEAD")


# --------------------------------------------------------------------------------------------
# 1. A token never leaks
# --------------------------------------------------------------------------------------------

async def test_token_never_reaches_the_log_the_events_or_the_output(api, js, start_repo_clone, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    token = "tok-SECRET-123"
    spellings = [token, base64.b64encode(token.encode()).decode(),
                 base64.b64encode(f"x-access-token:{token}".encode()).decode()]
    service = start_repo_clone()
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)

    status = await run_stage1(api, course_id, {"repo_url": str(tmp_path / "widget"), "token": token})
    assert status["status"] == "SUCCESS", status

    messages = await stream_messages(js)
    assert len(messages) > 3
    for msg in messages:
        raw = msg.data + repr(msg.headers).encode() + msg.subject.encode()
        for spelling in spellings:
            assert spelling.encode() not in raw, f"token found in {msg.subject} (seq {msg.seq})"

    # The service has written everything it will write about this run once its result is in the log;
    # its log lines are read after a clean stop so nothing is still buffered.
    service.interrupt()
    output = drained_output(service)
    assert output, "the service printed nothing at all; its output cannot be checked"
    for spelling in spellings:
        assert spelling not in output
        assert spelling not in caplog.text  # the gateway runs in this process

    (request,) = of_type(await course_events(js, course_id), RepoCloneRequested)
    ref = request.payload.token_ref
    assert ref and token not in ref
    assert token not in request.model_dump_json()
    # The clone has used it: the sealed entry is gone, not left for the KV's TTL.
    assert await SecretStore(js, "course-secrets", opener=Opener([DEVELOPMENT_PRIVATE_KEY])).take(ref) is None


# --------------------------------------------------------------------------------------------
# 2. A limit exceeded names the limit
# --------------------------------------------------------------------------------------------

async def test_exceeding_the_file_limit_fails_naming_the_limit(api, start_repo_clone, tmp_path):
    start_repo_clone(MAX_REPO_FILES="3")
    make_repo(tmp_path / "widget", DOCS_REPO)
    course_id = await new_course(api)

    status = await run_stage1(api, course_id, {"repo_url": str(tmp_path / "widget")})
    assert status["status"] == "FAILURE", status
    assert "MAX_REPO_FILES" in status["error_message"]
    course = (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()
    assert course["status"] == "stage1_failed"


# --------------------------------------------------------------------------------------------
# 3. A 50,000-file repository
# --------------------------------------------------------------------------------------------

async def test_a_50000_file_repository_is_announced_in_chunks(api, js, start_repo_clone, tmp_path):
    repo = tmp_path / "huge"
    sha = make_big_repo(repo, folders=250, per_folder=100)  # 25,000 .md + 25,000 .py
    assert len(git(repo, "ls-files").splitlines()) == 50_000
    start_repo_clone()
    course_id = await new_course(api)

    status = await run_stage1(api, course_id, {"repo_url": str(repo)}, timeout=300)
    assert status["status"] == "SUCCESS", status

    messages = await stream_messages(js)
    too_big = [(m.subject, len(m.data)) for m in messages if len(m.data) >= ONE_MB]
    assert not too_big, f"events of 1 MB or more: {too_big}"

    events = await course_events(js, course_id)
    (cloned,) = of_type(events, RepoCloned)
    chunks = of_type(events, RepoFilesDiscovered)
    assert len(chunks) > 1
    assert cloned.payload.commit_sha == sha
    assert cloned.payload.chunk_count == len(chunks)
    assert sorted(c.payload.chunk_index for c in chunks) == list(range(len(chunks)))
    assert cloned.payload.documentation_count == 25_000
    assert sum(len(c.payload.files) for c in chunks) == cloned.payload.file_count

    total, paths = await all_listed_paths(api, course_id, page=5000)
    assert total == cloned.payload.file_count
    assert len(paths) == total and len(set(paths)) == total
    assert "docs/section249/page099.md" in paths


# --------------------------------------------------------------------------------------------
# 4. A crash mid-clone completes the stage exactly once
# --------------------------------------------------------------------------------------------

async def crash_mid_clone(api, js, start_repo_clone, tmp_path, env: dict[str, str]) -> tuple[str, str]:
    """Starts stage 1 on a 6,000-file repository and kills the service (SIGKILL) while git is at
    work; returns (course_id, task_id). Fails loudly if the run finished before the kill."""
    repo = tmp_path / "medium"
    make_big_repo(repo, folders=30, per_folder=100, padding=2000)  # 3,000 .md + 3,000 .py
    first = start_repo_clone(**env)
    await eventually(lambda: _durable_waiting(js, "repo_clone"), timeout=30,
                     message="repo_clone pulling from its durable consumer")
    course_id = await new_course(api)
    task_id = await start_stage1(api, course_id, {"repo_url": str(repo)})

    async def cloning():  # git is at work once the first progress is in the log
        return of_type(await course_events(js, course_id), StageProgressed)
    await eventually(cloning, timeout=60, message="repo_clone reporting clone progress")
    first.kill()

    at_kill = await course_events(js, course_id)
    assert not of_type(at_kill, RepoCloned), (
        "the run finished before the service was killed: the crash was not mid-clone; make the repository larger")
    assert (await stage1_status(api, course_id))["status"] not in TERMINAL
    return course_id, task_id


async def test_a_crash_mid_clone_is_redelivered_and_completes_once(api, js, start_repo_clone, tmp_path):
    env = {"CONSUMER_ACK_WAIT_SECONDS": "3", "WORK_DIR": str(tmp_path / "work")}
    (tmp_path / "work").mkdir()
    course_id, task_id = await crash_mid_clone(api, js, start_repo_clone, tmp_path, env)

    start_repo_clone(**env)
    status = await wait_finished(api, course_id, task_id, timeout=120)
    assert status["status"] == "SUCCESS", status

    events = await course_events(js, course_id)
    (cloned,) = of_type(events, RepoCloned)
    assert len(of_type(events, StageStarted)) == 1
    per_chunk = Counter(e.payload.chunk_index for e in of_type(events, RepoFilesDiscovered))
    assert per_chunk and all(n == 1 for n in per_chunk.values()), per_chunk
    assert sorted(per_chunk) == list(range(cloned.payload.chunk_count))
    assert cloned.payload.file_count == 6000
    total, paths = await all_listed_paths(api, course_id)
    assert total == cloned.payload.file_count == len(set(paths))


async def test_a_crashed_clone_leaves_no_checkout_behind(api, js, start_repo_clone, tmp_path):
    """The checkout of a killed run is not cleaned up by its `with TemporaryDirectory()`; the
    service that takes the work over (or a restarted one) must remove it, or every crash leaks up
    to MAX_REPO_BYTES of disk."""
    work = tmp_path / "work"
    work.mkdir()
    env = {"CONSUMER_ACK_WAIT_SECONDS": "3", "WORK_DIR": str(work)}
    course_id, task_id = await crash_mid_clone(api, js, start_repo_clone, tmp_path, env)
    assert any(work.iterdir()), "the killed run had not created its checkout yet"

    start_repo_clone(**env)
    status = await wait_finished(api, course_id, task_id, timeout=120)
    assert status["status"] == "SUCCESS", status
    stale = sorted(p.name for p in work.iterdir())
    await eventually(lambda: not any(work.iterdir()), timeout=10,
                     message=f"the killed run's checkout {stale} removed from WORK_DIR")


async def _durable_waiting(js, durable: str) -> bool:
    try:
        return (await js.consumer_info(STREAM, durable)).num_waiting >= 1
    except Exception:
        return False


# --------------------------------------------------------------------------------------------
# 5. A second course on the same repository and commit reuses the snapshot
# --------------------------------------------------------------------------------------------

async def test_a_second_course_on_the_same_commit_reuses_the_snapshot(api, js, start_repo_clone, tmp_path):
    start_repo_clone()
    sha = make_repo(tmp_path / "widget", DOCS_REPO)
    body = {"repo_url": str(tmp_path / "widget")}
    first, second = await new_course(api, "First"), await new_course(api, "Second")

    assert (await run_stage1(api, first, body))["status"] == "SUCCESS"
    assert (await run_stage1(api, second, body))["status"] == "SUCCESS"

    (one,) = of_type(await course_events(js, first), RepoCloned)
    (two,) = of_type(await course_events(js, second), RepoCloned)
    assert one.payload.snapshot_reused is False
    assert two.payload.snapshot_reused is True
    assert two.payload.snapshot_ref == one.payload.snapshot_ref
    assert one.payload.commit_sha == two.payload.commit_sha == sha
    assert two.payload.file_count == one.payload.file_count == len(DOCS_REPO)
    assert (await repository_files(api, second))["total_files"] == len(DOCS_REPO)


# --------------------------------------------------------------------------------------------
# 6. Branch, tag and commit refs through the gateway
# --------------------------------------------------------------------------------------------

@pytest.fixture
def ref_repo(tmp_path) -> tuple[Path, dict[str, str]]:
    """main: old -> tagged (annotated tag v1.0) -> head; branch dev: tagged -> dev."""
    repo = tmp_path / "refs"
    shas = {"old": make_repo(repo, {"README.md": "# Refs\n", "docs/old.md": "# Old\n"}, "old")}
    shas["v1.0"] = commit(repo, {"docs/tagged.md": "# Tagged\n"}, "tagged")
    git(repo, "tag", "-a", "v1.0", "-m", "release 1.0")
    shas["main"] = commit(repo, {"docs/main.md": "# Main\n"}, "main head")
    git(repo, "checkout", "-q", "-b", "dev", shas["v1.0"])
    shas["dev"] = commit(repo, {"docs/dev.md": "# Dev\n"}, "dev head")
    git(repo, "checkout", "-q", "main")
    return repo, shas


@pytest.mark.parametrize("ref, expected, present, absent", [
    ("dev", "dev", "docs/dev.md", "docs/main.md"),
    ("v1.0", "v1.0", "docs/tagged.md", "docs/dev.md"),
    ("old-sha", "old", "docs/old.md", "docs/tagged.md"),
])
async def test_a_branch_tag_or_commit_ref_is_cloned_at_that_commit(
        api, js, start_repo_clone, ref_repo, ref, expected, present, absent):
    repo, shas = ref_repo
    ref = shas["old"] if ref == "old-sha" else ref
    start_repo_clone()
    course_id = await new_course(api)

    status = await run_stage1(api, course_id, {"repo_url": str(repo), "ref": ref})
    assert status["status"] == "SUCCESS", status
    (cloned,) = of_type(await course_events(js, course_id), RepoCloned)
    assert cloned.payload.commit_sha == shas[expected]
    listing = await repository_files(api, course_id)
    assert listing["commit_sha"] == shas[expected]
    paths = {f["path"] for f in listing["files"]}
    assert present in paths and absent not in paths


async def test_an_unknown_ref_fails_naming_it(api, start_repo_clone, ref_repo):
    repo, _ = ref_repo
    start_repo_clone()
    course_id = await new_course(api)
    status = await run_stage1(api, course_id, {"repo_url": str(repo), "ref": "nope"})
    assert status["status"] == "FAILURE", status
    assert "'nope'" in status["error_message"]


# --------------------------------------------------------------------------------------------
# 7. A re-run replaces the previous results
# --------------------------------------------------------------------------------------------

async def test_a_rerun_replaces_the_listing_and_drops_the_old_selection(api, start_repo_clone, tmp_path):
    start_repo_clone()
    repo = tmp_path / "widget"
    first_sha = make_repo(repo, DOCS_REPO)
    course_id = await new_course(api)
    assert (await run_stage1(api, course_id, {"repo_url": str(repo)}))["status"] == "SUCCESS"
    selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                              json={"selected_folders": ["docs/guide"], "overview_document": "README.md"})
    assert selected.status_code == 200, selected.text
    before = await repository_files(api, course_id)
    assert before["commit_sha"] == first_sha and before["selection"] is not None

    second_sha = commit(repo, {"docs/guide/advanced.md": "# Advanced\n\nMore widgets.\n"}, "advanced guide")
    status = await run_stage1(api, course_id, {"repo_url": str(repo)})
    assert status["status"] == "SUCCESS", status

    after = await repository_files(api, course_id)
    assert after["commit_sha"] == second_sha
    assert after["total_files"] == len(DOCS_REPO) + 1
    assert "docs/guide/advanced.md" in {f["path"] for f in after["files"]}
    assert after["selection"] is None
    course = (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()
    assert course["status"] == "stage1_complete"
