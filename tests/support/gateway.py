"""The gateway as the tests run it: the test JWT secret and tokens, a fresh database per test,
and the gateway app served in-process (tests/conftest.py's fixtures are built from these)."""
from __future__ import annotations

import contextlib
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from services.gateway.app import create_app
from services.gateway.edge.auth import development_token
from services.gateway.settings import GatewaySettings

JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


def token_for(user_id: str) -> str:
    return development_token(JWT_SECRET, user_id)


def auth(user_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user_id)}"}


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


@contextlib.asynccontextmanager
async def running_gateway(settings: GatewaySettings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            client.app = app
            yield client
