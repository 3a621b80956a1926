"""Stage 1 clones an ssh URL only from a host the operator lists in ALLOWED_SSH_HOSTS (ssh signs
in with the service's own keys); by default every ssh URL fails at once, naming the setting, and
the run's token goes as with any failure."""
from __future__ import annotations

import uuid

import pytest

from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events.catalogue import CourseCreated, RepoCloneRequested, StageFailed, StageStarted
from ops.local.ports import free_port
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryEventStore, MemorySecretStore, MemorySnapshotStore


async def _failure_of(repo_url: str, tmp_path, **settings) -> tuple[str, MemorySecretStore, str]:
    """Runs stage 1 on `repo_url` with a token; the run's failure message, the secrets and the token's reference."""
    events, secrets = MemoryEventStore(), MemorySecretStore()
    stage = clone_stage(StageEmitter(events, "repo_clone", "stage1"), MemorySnapshotStore(), secrets,
                        RepoCloneSettings(work_dir=str(tmp_path), **settings))
    course_id = f"c{uuid.uuid4().hex[:12]}"
    await events.publish(CourseCreated(course_id=course_id, actor="alice",
                                       payload={"owner_id": "alice", "title": "Course", "description": ""}))
    token = await secrets.keep(course_id, "s3cret")
    request = RepoCloneRequested(course_id=course_id, actor="alice",
                                 payload={"task_id": uuid.uuid4().hex, "repo_url": repo_url, "token_ref": token})
    await events.publish(request)
    await stage.handle(request)
    emitted = events.caused_by(request)
    assert [type(e) for e in emitted] == [StageStarted, StageFailed], [e.event_type for e in emitted]
    return emitted[-1].payload.error_message, secrets, token


@pytest.mark.parametrize("url", ["git@github.com:owner/repo.git", "ssh://git@github.com/owner/repo.git",
                                 "ssh://git@GitHub.com:2222/owner/repo.git"])
async def test_an_ssh_url_is_refused_by_default_naming_the_setting(url, tmp_path):
    message, secrets, token = await _failure_of(url, tmp_path)
    assert "ALLOWED_SSH_HOSTS" in message and "https://" in message
    assert await secrets.take(token) is None  # the run is over: its token goes


async def test_an_ssh_url_to_a_host_not_listed_is_refused_naming_the_host_and_the_setting(tmp_path):
    # (a host that resolves without a network: the host is checked once the URL policy vetted it)
    message, _, _ = await _failure_of("git@localhost:owner/repo.git", tmp_path, allow_local_repos=True,
                                      allowed_ssh_hosts="github.com, git.example.org")
    assert "localhost" in message and "ALLOWED_SSH_HOSTS" in message


async def test_an_ssh_url_to_a_listed_host_is_cloned(tmp_path):
    # Nothing listens there: the clone itself fails, for its own reason.
    message, _, _ = await _failure_of(f"ssh://git@127.0.0.1:{free_port()}/owner/repo.git", tmp_path,
                                      allow_local_repos=True, allowed_ssh_hosts="127.0.0.1")
    assert "ALLOWED_SSH_HOSTS" not in message


def test_the_setting_is_a_list_of_host_names_in_any_case():
    settings = RepoCloneSettings(allowed_ssh_hosts=" GitHub.com ,git.example.org.,")
    assert settings.ssh_hosts == {"github.com", "git.example.org"}
    assert RepoCloneSettings().ssh_hosts == frozenset()
