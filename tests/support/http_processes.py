"""Services as real processes reachable over HTTP on free ports, for tests that need a real server
(long-lived streams, many connections at once, scrapes of a stage service's /metrics)."""
from __future__ import annotations

import contextlib
from typing import AsyncIterator

import httpx

from ops.local.ports import free_port
from tests.support.gateway import JWT_SECRET
from tests.support.processes import Process
from tests.support.waiting import eventually


async def answers(url: str) -> bool:
    """Whether `url` answers 200 now (within two seconds)."""
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.asynccontextmanager
async def _serving(process: Process, probe: str, name: str) -> AsyncIterator[None]:
    try:
        await eventually(lambda: answers(probe), 60, f"{name} answering {probe}")
        yield
    except BaseException:
        while not process.lines.empty():  # what it said, shown by pytest when the test fails
            process.output.append(process.lines.get_nowait())
        print(f"--- {name} ---", *process.output[-40:], sep="\n")
        raise
    finally:
        process.interrupt()


@contextlib.asynccontextmanager
async def gateway_process(nats_url: str, database_url: str, **settings: str) -> AsyncIterator[str]:
    """The gateway's own entrypoint (uvicorn) with `settings` as environment; yields its base URL
    once /ready answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    gateway = Process(["-m", "services.gateway.main"], gateway_env(nats_url, database_url, port, **settings))
    async with _serving(gateway, f"{url}/ready", "gateway"):
        yield url


def gateway_env(nats_url: str, database_url: str, port: int, **settings: str) -> dict[str, str]:
    """The environment of a gateway process for tests: its servers, its port, the tests' token
    secret, and `settings`."""
    return {"NATS_URL": nats_url, "DATABASE_URL": database_url, "PORT": str(port), "JWT_SECRET": JWT_SECRET,
            "ENVIRONMENT": "test", **settings}


@contextlib.asynccontextmanager
async def stage_service_process(name: str, nats_url: str, **settings: str) -> AsyncIterator[str]:
    """A stage service with its /metrics, /health and /ready on a free port; yields that port's base
    URL once /ready answers (its consumer subscribed: none of its start-up requests are still to come)."""
    port = free_port()
    env = {"NATS_URL": nats_url, "METRICS_PORT": str(port), **settings}
    url = f"http://127.0.0.1:{port}"
    async with _serving(Process(["-m", f"services.{name}.main"], env), f"{url}/ready", name):
        yield url
