"""Liveness and readiness."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from .deps import ContainerDep

router = APIRouter(tags=["operations"])


@router.get("/health")
async def health() -> dict:
    return {"status": "ok"}


@router.get("/ready")
async def ready(c: ContainerDep) -> JSONResponse:
    problems, lag = [], None
    if not c.nc.is_connected:
        problems.append("NATS is not connected")
    try:
        await c.pool.fetchval("SELECT 1", timeout=2)
    except Exception as exc:
        problems.append(f"PostgreSQL is not reachable: {exc.__class__.__name__}")
    if c.nc.is_connected:
        try:
            last = (await c.js.stream_info(c.settings.stream_name)).state.last_seq
            lag = max(0, last - c.projector.position)
            if lag > c.settings.ready_max_lag_events:
                problems.append(f"projection is {lag} events behind the log")
        except Exception as exc:
            problems.append(f"stream {c.settings.stream_name} is not readable: {exc}")
    body = {"status": "ready" if not problems else "not ready", "problems": problems,
            "projection_position": c.projector.position, "projection_lag_events": lag}
    return JSONResponse(body, status_code=200 if not problems else 503)
