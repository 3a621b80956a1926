"""The event contract at /asyncapi: an AsyncAPI 3.0 document of every course event subject and every
version of its payload. Public on purpose (no token): it is a published contract, like /openapi.json,
and holds no course data."""
from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shared.events.asyncapi import asyncapi_json

router = APIRouter(tags=["contract"])


@cache
def _document(version: str) -> str:
    return asyncapi_json(version)


@router.get("/asyncapi", summary="The AsyncAPI 3.0 document of the course events",
            response_description="AsyncAPI 3.0 (JSON)")
async def asyncapi(request: Request) -> Response:
    return Response(_document(request.app.version), media_type="application/json")
