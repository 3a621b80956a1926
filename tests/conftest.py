from __future__ import annotations

import contextlib
from types import SimpleNamespace
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from services.gateway.app import create_app
from services.gateway.auth import development_token
from services.gateway.settings import GatewaySettings
from tests.servers import nats_url, postgres_url

JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    with postgres_url(tmp_path_factory.mktemp("postgres")) as url:
        yield url


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def fresh_database(server_url: str, prefix: str = "t") -> str:
    """The URL of a new, empty database on the server at `server_url`."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return _with_database(server_url, name)


@pytest.fixture
async def database_url(postgres_server):
    """A fresh, empty database for each test: no test sees another's rows."""
    return await fresh_database(postgres_server)


@pytest.fixture
def nats_server(tmp_path):
    """A private nats-server for each test (it starts in tens of milliseconds); anything with a
    `.url`, so USE_TESTCONTAINERS=1 can provide a container instead."""
    with nats_url(tmp_path) as url:
        yield SimpleNamespace(url=url)


@pytest.fixture
def settings(nats_server, database_url) -> GatewaySettings:
    return GatewaySettings(
        environment="test", nats_url=nats_server.url, database_url=database_url,
        jwt_secret=JWT_SECRET, admin_users=["admin"], projection_wait_seconds=5.0,
    )


def token_for(user_id: str) -> str:
    return development_token(JWT_SECRET, user_id)


def auth(user_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user_id)}"}


@contextlib.asynccontextmanager
async def running_gateway(settings: GatewaySettings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            client.app = app
            yield client


@pytest.fixture
async def gateway(settings):
    async with running_gateway(settings) as client:
        yield client
