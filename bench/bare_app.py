"""The gateway benchmark's baseline server: bare FastAPI endpoints doing one query on the gateway's
own read table (a primary-key SELECT; the list of a user's courses), served exactly like the
gateway (uvicorn, one process, the same server stack — uvloop and httptools —, host, log level and
access log off, the gateway's own asyncpg pool: services/gateway/reading/read_pool.py).

    python -m bench.bare_app   (DATABASE_URL, PORT, READ_SCHEMA from the environment)"""
from __future__ import annotations

import os
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, HTTPException

from services.gateway.main import SERVER_STACK
from services.gateway.reading.read_pool import create_read_pool

SCHEMA = os.environ.get("READ_SCHEMA", "coursegen")


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await create_read_pool(os.environ["DATABASE_URL"])  # the gateway's pool settings
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/courses/{course_id}")
async def course(course_id: str):
    row = await app.state.pool.fetchrow(
        f"SELECT course_id, user_id, title, description, status, revision, created_at, updated_at "
        f"FROM {SCHEMA}.courses WHERE course_id = $1", course_id)
    if row is None:
        raise HTTPException(404, "course not found")
    return dict(row)


@app.get("/courses")
async def courses(user_id: str, limit: int = 100):
    """The limit of a list answer: the same rows the gateway's course list returns, one query."""
    rows = await app.state.pool.fetch(
        f"SELECT course_id, user_id, title, description, status, repo_url, repo_name, repo_commit, revision, "
        f"created_at, updated_at FROM {SCHEMA}.courses WHERE user_id = $1 "
        f"ORDER BY created_at DESC, course_id LIMIT $2", user_id, limit)
    return [dict(row) for row in rows]


def main() -> None:
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]),
                log_level=os.environ.get("LOG_LEVEL", "warning").lower(), access_log=False, **SERVER_STACK)


if __name__ == "__main__":
    main()
