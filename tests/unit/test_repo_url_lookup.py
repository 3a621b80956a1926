"""Looking up a repository's host: a lookup that hangs ends in a clear refusal after the timeout,
and lookups never wait for (or occupy) the event loop's default executor, which the gateway also
uses for other work such as verifying tokens."""
from __future__ import annotations

import asyncio
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.repos import policy
from shared.repos.policy import RepoUrlRejected, vet_repo_url_async


@pytest.fixture
def hanging_resolver(monkeypatch):
    """The system resolver stands still until the test ends (a resolver that never answers)."""
    release = threading.Event()
    asked: list[str] = []

    def getaddrinfo(host, *args, **kwargs):
        asked.append(host)
        release.wait(30)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked
    release.set()


async def test_a_lookup_that_hangs_is_refused_after_the_timeout(hanging_resolver):
    with pytest.raises(RepoUrlRejected) as refused:
        await vet_repo_url_async("https://slow.example.org/a/b.git", False, timeout=0.2)
    assert "cannot resolve host slow.example.org" in str(refused.value)
    assert "took longer than 0.2 s" in str(refused.value)
    assert hanging_resolver == ["slow.example.org"]


def test_the_blocking_check_also_gives_up(hanging_resolver, monkeypatch):
    monkeypatch.setattr(policy, "DNS_TIMEOUT_SECONDS", 0.2)
    with pytest.raises(RepoUrlRejected) as refused:
        policy.check_repo_url("https://slow.example.org/a/b.git", False)
    assert "cannot resolve host slow.example.org" in str(refused.value)


async def test_lookups_do_not_use_the_default_executor(monkeypatch):
    """The default executor is made busy (one thread, held): a URL check still completes."""
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("140.82.112.3", 0))])
    busy, release = ThreadPoolExecutor(max_workers=1), threading.Event()
    loop = asyncio.get_running_loop()
    loop.set_default_executor(busy)
    held = loop.run_in_executor(None, release.wait, 30)
    try:
        vetted = await vet_repo_url_async("https://github.com/a/b.git", False, timeout=5)
        assert vetted.addresses == ("140.82.112.3",)
        assert not held.done()  # the default executor was busy all along
    finally:
        release.set()
        await held
