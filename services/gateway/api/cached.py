"""Read-only answers served from the gateway's answer cache (answer_cache.py): built as FastAPI
would render them (`jsonable_encoder`, then JSONResponse's JSON), sent as the stored bytes while
the read tables are unchanged. For answers made from the read tables alone: nothing from the
object store, nothing that depends on the clock."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Hashable

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from .deps import ContainerDep


async def cached(c: ContainerDep, key: Hashable, answer: Callable[[], Awaitable[Any]]) -> Response:
    """`answer()`'s JSON, from the cache when the read tables are as they were when it was built.
    `key` names everything else the answer depends on (the user, their rights, the parameters)."""
    async def build() -> bytes:
        return JSONResponse(jsonable_encoder(await answer())).body

    return Response(await c.answers.answer(key, build), media_type="application/json")
