"""Operators' view of what could not be handled: dead letters of the stage services and events
the projection set aside; retry or drop a dead letter. Admins only (ADMIN_USERS)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from shared.bus.deadletters import DeadLetters

from ..edge.auth import Principal
from .deps import ContainerDep, get_principal
from .cohort_access import UserIdPath
from ..learners.erasure import erase_person

router = APIRouter(prefix="/api/admin", tags=["operations"])
Seq = Annotated[int, Path(ge=1, le=2**63 - 1)]


async def require_admin(who: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if not who.is_admin:
        raise HTTPException(403, "operators only: your user id is not in ADMIN_USERS")
    return who


Admin = Annotated[Principal, Depends(require_admin)]


@router.get("/dead-letters")
async def dead_letters(c: ContainerDep, _: Admin, limit: Annotated[int, Query(ge=1, le=1000)] = 100):
    letters = await DeadLetters(c.js).list(limit)
    rejects = await c.pool.fetch(
        f"SELECT stream_seq, subject, reason FROM {c.settings.read_schema}.projection_rejects "
        "ORDER BY stream_seq LIMIT $1", limit)
    return {"dead_letters": [letter.summary() for letter in letters],
            "projection_rejects": [dict(r) for r in rejects]}


@router.post("/dead-letters/{seq}/retry", status_code=202)
async def retry_dead_letter(seq: Seq, c: ContainerDep, _: Admin):
    new_seq = await DeadLetters(c.js).retry(seq)
    if new_seq is None:
        raise HTTPException(404, f"there is no dead letter {seq}")
    return {"status": "republished", "stream_seq": new_seq}


@router.delete("/dead-letters/{seq}")
async def drop_dead_letter(seq: Seq, c: ContainerDep, _: Admin):
    if not await DeadLetters(c.js).drop(seq):
        raise HTTPException(404, f"there is no dead letter {seq}")
    return {"status": "dropped", "seq": seq}


@router.delete("/people/{user_id}", status_code=204)
async def erase_person_data(user_id: UserIdPath, c: ContainerDep, who: Admin):
    """Erase a learner's or mentor's personal data (docs/learners.md): their key is destroyed, and
    every cohort and course they were in forgets them."""
    if not await erase_person(c, user_id, who.user_id):
        raise HTTPException(404, "no cohort member has this user id (or their data was erased already)")
    return Response(status_code=204)
