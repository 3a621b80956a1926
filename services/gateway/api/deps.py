"""Typed dependencies of the routes."""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status

from ..edge.auth import Principal, Unauthorized
from ..bootstrap import Container


# Dependencies are coroutines: FastAPI runs a plain function in its thread pool, and two thread
# hops per request cost more than the work they do.
async def get_container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]


async def get_principal(request: Request) -> Principal:
    # The container straight from the app, not as a sub-dependency: FastAPI solves each dependency
    # of each request anew, and this one is on every authenticated route.
    container: Container = request.app.state.container
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token: send "
                            "'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
    token, verifier = token.strip(), container.verifier
    known = verifier.cached(token)  # most requests: no signature check and no thread hop
    if known is not None:
        return known
    try:
        if verifier.may_block:
            return await asyncio.to_thread(verifier.verify, token)
        return verifier.verify(token)
    except Unauthorized as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc),
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from exc


PrincipalDep = Annotated[Principal, Depends(get_principal)]
# Rows to skip: PostgreSQL takes OFFSET as a BIGINT, so a larger one is bad input (422), not a 500.
Offset = Annotated[int, Query(ge=0, le=2**63 - 1)]
