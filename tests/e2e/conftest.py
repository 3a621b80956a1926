"""Fixtures of the end-to-end tests: the gateway (in-process, local repositories allowed), a raw
JetStream connection for reading the log as it is, and repo_clone as real processes."""
from __future__ import annotations

import pytest

from shared.bus.connection import connect
from tests.support.gateway import running_gateway
from tests.support.processes import Process


@pytest.fixture
async def api(settings):
    async with running_gateway(settings.model_copy(update={"allow_local_repos": True})) as client:
        yield client


@pytest.fixture
async def js(nats_server, api):
    """Our own JetStream connection for reading the log raw (the gateway has provisioned it)."""
    nc = await connect(nats_server.url, "e2e-test")
    yield nc.jetstream()
    await nc.close()


@pytest.fixture
def start_repo_clone(nats_server):
    """Starts repo_clone processes with extra settings; stops every one still running at the end."""
    started: list[Process] = []

    def start(**env: str) -> Process:
        service = Process(["-m", "services.repo_clone.main"],
                          {"NATS_URL": nats_server.url, "ALLOW_LOCAL_REPOS": "true", **env})
        started.append(service)
        return service

    yield start
    for service in started:
        try:
            service.interrupt()
        except Exception:  # did not stop in time: do not leave it behind
            service.kill()
