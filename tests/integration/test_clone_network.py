"""The git adapter against a real git server over HTTPS (tests/support/githttps.py): a failed clone says
why in a classified reason and never in git's or the server's words, redirects are not followed,
and git connects only to the address the URL policy checked (the pin), over https and ssh."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ops.local.ports import free_port
from services.repo_clone.cloner import clone, resolve_commit
from services.repo_clone.git_failures import (
    ACCESS_DENIED_MESSAGE, NOT_FOUND_MESSAGE, REDIRECT_MESSAGE, REFUSED_MESSAGE, UNREACHABLE_MESSAGE, CloneFailed,
)
from services.repo_clone.git_process import git_environment
from shared.repos.policy import PinnedHost
from tests.support.githttps import TEST_HOST_NAME, GitHttpsServer
from tests.support.gitrepos import DOCS_REPO, make_repo

TOKEN = "tok-alice-0123"
# Words of git, curl and the server that must never reach the user.
RAW_WORDS = ("fatal", "git:", "curl", "returned error", "127.0.0.1", "http", "remote:", "401", "404", "301",
             "authentication required", "Couldn't", "unable to access")


@pytest.fixture
def forge(tmp_path, monkeypatch):
    """A public repository `public.git` and a private one `private.git` (token TOKEN)."""
    work = tmp_path / "work"
    sha = make_repo(work, DOCS_REPO)
    (tmp_path / "served").mkdir()
    with GitHttpsServer(tmp_path / "served", tmp_path / "tls", private={"private.git": {TOKEN}}) as server:
        server.publish(work, "public.git")
        server.publish(work, "private.git")
        server.sha = sha
        monkeypatch.setenv("GIT_SSL_CAINFO", str(server.ca_file))
        yield server


def failure_of(url: str, dest: Path, **options) -> str:
    with pytest.raises(CloneFailed) as failure:
        clone(url, None, dest, **options)
    assert not any(dest.iterdir())
    return str(failure.value)


def assert_no_raw_output(message: str) -> None:
    for word in RAW_WORDS:
        assert word.lower() not in message.lower(), f"{word!r} in {message!r}"


def test_a_public_and_a_private_repository_clone_with_the_right_credentials(forge, tmp_path):
    assert clone(forge.url("public.git"), None, tmp_path / "a").commit_sha == forge.sha
    assert clone(forge.url("private.git"), None, tmp_path / "b", token=TOKEN).commit_sha == forge.sha


@pytest.mark.parametrize("token", [None, "tok-wrong"])
def test_a_private_repository_without_its_token_is_access_denied(forge, tmp_path, token):
    message = failure_of(forge.url("private.git"), tmp_path / "dest", token=token)
    assert message == ACCESS_DENIED_MESSAGE
    assert_no_raw_output(message)
    with pytest.raises(CloneFailed, match=ACCESS_DENIED_MESSAGE):
        resolve_commit(forge.url("private.git"), forge.sha, token)  # a full sha asks the remote too


def test_a_missing_repository_is_not_found(forge, tmp_path):
    message = failure_of(forge.url("missing.git"), tmp_path / "dest")
    assert message == NOT_FOUND_MESSAGE
    assert_no_raw_output(message)


def test_a_port_with_nothing_listening_is_refused(tmp_path):
    message = failure_of(f"https://127.0.0.1:{free_port()}/owner/repo.git", tmp_path / "dest")
    assert message == REFUSED_MESSAGE
    assert_no_raw_output(message)


def test_a_redirect_is_refused_and_not_followed(forge, tmp_path):
    with GitHttpsServer(tmp_path / "served", tmp_path / "tls",
                        redirects={"/": forge.url("")}) as redirecting:
        message = failure_of(redirecting.url("public.git"), tmp_path / "dest")
        assert redirecting.requests, "the redirecting server was asked"
    assert message == REDIRECT_MESSAGE
    assert_no_raw_output(message)
    assert forge.requests == [], "git followed the redirect to another server"


def test_https_connects_to_the_pinned_address_under_the_checked_name(forge, tmp_path):
    """The name does not resolve at all here: only the pin can take git to the server, and TLS
    still checks the certificate against the name."""
    url = forge.url("public.git", host=TEST_HOST_NAME)
    assert failure_of(url, tmp_path / "unpinned") == UNREACHABLE_MESSAGE

    pin = PinnedHost(TEST_HOST_NAME, forge.port, ("127.0.0.1",))
    assert resolve_commit(url, None, None, pin=pin) == forge.sha
    assert clone(url, None, tmp_path / "pinned", pin=pin).commit_sha == forge.sha
    assert forge.requests


def test_a_pin_to_another_address_is_where_git_goes(forge, tmp_path):
    """The name is the server's, the pin another address: git goes to the pin and finds nothing."""
    pin = PinnedHost("localhost", forge.port, ("127.0.0.2",))
    try:
        socket.create_connection(("127.0.0.2", forge.port), timeout=1).close()
        pytest.skip("127.0.0.2 reaches the server on this machine")
    except OSError:
        pass
    assert failure_of(forge.url("public.git", host="localhost"), tmp_path / "dest", pin=pin) == REFUSED_MESSAGE
    assert forge.requests == []


def test_git_is_told_the_pin_and_no_redirects():
    env = git_environment("t", False, PinnedHost("git.example.org", 8443, ("140.82.112.3", "2606:50c0::1")))
    config = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))}
    assert config["http.curloptResolve"] == "git.example.org:8443:140.82.112.3,[2606:50c0::1]"
    assert config["http.followRedirects"] == "false"


@pytest.fixture
def recording_ssh(tmp_path, monkeypatch) -> Path:
    """An ssh (named so, for git to pass options the OpenSSH way) that records its arguments and
    fails as a refused connection would."""
    (tmp_path / "bin").mkdir()
    script = tmp_path / "bin" / "ssh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/ssh-argv"\n'
                      'echo "ssh: connect to host x port 22: Connection refused" >&2\nexit 255\n')
    script.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(script))
    return tmp_path / "ssh-argv"


def test_ssh_connects_to_the_pinned_address_and_checks_the_key_under_the_name(recording_ssh, tmp_path):
    pin = PinnedHost("git.example.org", 2222, ("140.82.112.3",))
    message = failure_of("ssh://git@git.example.org:2222/owner/repo.git", tmp_path / "dest", pin=pin)
    assert message == REFUSED_MESSAGE
    argv = recording_ssh.read_text().splitlines()
    assert "HostName=140.82.112.3" in argv
    assert "HostKeyAlias=[git.example.org]:2222" in argv
    assert "git.example.org" in " ".join(argv)  # the name stays the destination ssh is told about
