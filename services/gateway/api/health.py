"""Liveness and readiness."""
from __future__ import annotations

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shared.leftover_tasks import all_or_none

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
    # A stage service that is down does not make the gateway unready: the gateway still serves every
    # read and accepts every command (the request waits in the stream until the service is back), so
    # taking it out of rotation would turn one stopped worker into a whole outage. It is listed, so
    # an operator (and the web UI's banner) sees it.
    services = await stage_services(c.settings.service_health_urls)
    body = {"status": "ready" if not problems else "not ready", "problems": problems,
            "projection_position": c.projector.position, "projection_lag_events": lag,
            "services": services}
    return JSONResponse(body, status_code=200 if not problems else 503)


async def stage_services(health_urls: dict[str, str]) -> dict[str, str]:
    """"up" or "down" for each stage service whose /health URL the gateway was given (none in a
    deployment; `coursegen run` passes them): up means its /health answered 200 within a second."""
    if not health_urls:
        return {}
    async with httpx.AsyncClient(timeout=1.0) as client:
        async def probe(url: str) -> str:
            try:
                return "up" if (await client.get(url)).status_code == 200 else "down"
            except httpx.HTTPError:
                return "down"
        states = await all_or_none(*(probe(url) for url in health_urls.values()))
    return dict(zip(health_urls, states))
