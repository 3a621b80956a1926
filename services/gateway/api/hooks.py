"""`POST /api/hooks/git`: a git forge tells the gateway a branch moved, and every course built on
that repository and branch is refreshed. No bearer token: the forge proves the shared secret
(GIT_WEBHOOK_SECRET) by GitHub's body signature or GitLab's token. The answer names course and
refresh ids only — the caller is the operator's forge, not a user, and sees no course's content."""
from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from ..commands import Busy
from ..domain.course import CourseNotFound
from ..domain.runs import StageConflict
from ..domain.webhooks import BadPayload, Push, WebhookRefused, authenticate, parse_push, refresh_on_push
from ..hook_reader import HookReader
from .deps import ContainerDep

router = APIRouter(prefix="/api/hooks", tags=["webhooks"])
log = logging.getLogger(__name__)
# Refresh requests decided at once: a forge waits about 10 s for the answer, and each command waits
# for the projection to show it.
PARALLEL_COMMANDS = 8


@router.post("/git", status_code=202, responses={
    200: {"description": "a ping, answered"}, 401: {"description": "the signature or token is wrong or missing"},
    404: {"description": "webhooks are not configured (GIT_WEBHOOK_SECRET unset)"}})
async def git_push(request: Request, c: ContainerDep):
    secret = c.settings.git_webhook_secret
    if secret is None:
        raise HTTPException(404, "git webhooks are not configured on this gateway (set GIT_WEBHOOK_SECRET)")
    body = await request.body()  # bounded: the edge answered 413 to anything over MAX_BODY_BYTES
    try:
        delivery = authenticate(request.headers, body, secret.get_secret_value())
    except WebhookRefused as exc:
        log.warning("git webhook refused: %s", exc)
        raise HTTPException(401, f"webhook refused: {exc}; nothing was refreshed") from None
    if delivery.event == "ping":
        return JSONResponse({"status": "pong", "forge": delivery.forge}, status_code=200)
    if delivery.event != "push":
        return _nothing(f"{delivery.forge} event {delivery.event!r} is not a push")
    try:
        push = parse_push(delivery.forge, body, request.headers.get("content-type"))
    except BadPayload as exc:
        raise HTTPException(400, f"{exc}; nothing was refreshed") from None
    if push.ignored is not None:
        return _nothing(push.ignored)
    course_ids = await HookReader(c.pool, c.settings.read_schema).courses_on(push.repository_urls)
    slots = asyncio.Semaphore(PARALLEL_COMMANDS)
    outcomes = await asyncio.gather(*(_refresh(c, course_id, push, slots) for course_id in course_ids))
    refreshed = [o for o in outcomes if o is not None and "refresh_id" in o]
    skipped = [o for o in outcomes if o is not None and "reason" in o]
    log.info("git push to %s %s: %d course(s) refreshed, %d skipped", delivery.forge, push.branch,
             len(refreshed), len(skipped))
    return JSONResponse({"branch": push.branch, "refreshed": refreshed, "skipped": skipped}, status_code=202)


async def _refresh(c, course_id: str, push: Push, slots: asyncio.Semaphore) -> dict | None:
    """{course_id, refresh_id} when refreshed, {course_id, reason} when it cannot be now, None when
    the push does not concern the course."""
    async with slots:
        try:
            outcome = await c.commands.execute_on_history(
                course_id, lambda state, events: refresh_on_push(state, events, push))
        except (StageConflict, Busy) as exc:
            return {"course_id": course_id, "reason": str(exc)}
        except CourseNotFound:  # deleted since the read tables listed it
            return None
    if outcome is None:
        return None
    return {"course_id": course_id, "refresh_id": outcome.event.payload.refresh_id}


def _nothing(why: str) -> JSONResponse:
    return JSONResponse({"refreshed": [], "skipped": [], "ignored": why}, status_code=202)
