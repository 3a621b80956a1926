"""Git webhooks: a forge tells the gateway a branch moved, and the course built on it is refreshed.

- A course's own hooks (`POST /api/courses/{id}/hooks`, made by its owner): each has its address
  `/api/hooks/git/{hook_id}` and its own secret; a push signed with it refreshes that course and no
  other, a delivery sent again refreshes nothing twice, and each hook's deliveries are rate-limited.
- The operator's hook (`POST /api/hooks/git`, off unless GIT_WEBHOOK_SECRET is set): one secret
  for the whole gateway, refreshing every course built on the pushed repository and branch.

No bearer token on a delivery: the forge proves the secret by GitHub's body signature or GitLab's
token. The answer names course and refresh ids only: the caller is a forge, not a user."""
from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from shared.events.catalogue import CourseRefreshRequested
from shared.leftover_tasks import all_or_none

from ..commands import Busy
from ..domain.course import CourseNotFound
from ..domain.runs import StageConflict
from ..edge.quotas import allowed_budget
from ..edge.rate_limit import retry_after
from ..domain import git_hooks
from ..domain.webhooks import BadPayload, Push, WebhookRefused, authenticate, parse_push, refresh_on_push
from ..reading.hook_reader import HookReader
from .course_access import NOT_FOUND, CourseId, visible_course
from .deps import ContainerDep, PrincipalDep

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
    push = _pushed(delivery, body, request)
    if isinstance(push, JSONResponse):
        return push
    course_ids = await HookReader(c.pool, c.settings.read_schema).courses_on(push.repository_urls)
    slots = asyncio.Semaphore(PARALLEL_COMMANDS)
    outcomes = await all_or_none(*(_refresh(c, course_id, push, slots) for course_id in course_ids))
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


def _pushed(delivery, body: bytes, request: Request) -> Push | JSONResponse:
    """The push a delivery announces, or the answer to a delivery that is none (a ping, another
    event, a push that refreshes nothing); a body that is no push is a 400."""
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
    return push


def _nothing(why: str) -> JSONResponse:
    return JSONResponse({"refreshed": [], "skipped": [], "ignored": why}, status_code=202)


# --- a course's own hooks -----------------------------------------------------------------------
HOOKS_OFF = "git hooks are off on this gateway: set GIT_HOOKS_KEY (or JWT_SECRET) to turn them on"
NO_HOOK = "no such git hook (it was deleted, or its course was): nothing was refreshed"
courses = APIRouter(prefix="/api/courses", tags=["webhooks"])


def _hooks_key(c) -> bytes:
    secret = c.settings.git_hooks_secret()
    if secret is None:
        raise HTTPException(404, HOOKS_OFF)
    return git_hooks.hooks_key(secret)


def _hook_answer(event, key: bytes | None = None) -> dict:
    hook_id = event.payload.hook_id
    answer = {"hook_id": hook_id, "url": f"/api/hooks/git/{hook_id}", "created_at": event.occurred_at.isoformat(),
              "created_by": event.actor, "content_type": "application/json", "events": ["push"]}
    if key is not None:  # only when it is made: give it to the forge now
        answer["secret"] = git_hooks.hook_secret(key, hook_id)
    return answer


@courses.post("/{course_id}/hooks", status_code=201, responses={
    404: {"description": "no such course, or git hooks are off (GIT_HOOKS_KEY and JWT_SECRET unset)"},
    409: {"description": "the course has as many hooks as it may have"}})
async def create_hook(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """A git hook for this course: give the forge its `url` (on this gateway) and its `secret`
    (GitHub: the webhook's secret, JSON content type; GitLab: its secret token). The secret is
    shown once, here."""
    key = _hooks_key(c)
    await visible_course(c, who, course_id)
    outcome = await c.commands.execute_on_history(
        course_id, lambda state, events: git_hooks.create_hook(state, events, who.user_id, who.is_admin))
    assert outcome is not None  # create_hook always decides on an event
    return _hook_answer(outcome.event, key)


@courses.get("/{course_id}/hooks")
async def list_hooks(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """The course's git hooks, without their secrets."""
    await visible_course(c, who, course_id)
    events = (await c.histories.load(course_id)).events
    return {"hooks": [_hook_answer(event) for event in git_hooks.hooks_of(events).values()]}


@courses.delete("/{course_id}/hooks/{hook_id}", status_code=204)
async def delete_hook(course_id: CourseId, hook_id: str, c: ContainerDep, who: PrincipalDep):
    """Deliveries to the hook are refused from now on."""
    await visible_course(c, who, course_id)
    try:
        await c.commands.execute_on_history(course_id, lambda state, events: git_hooks.delete_hook(
            state, events, who.user_id, who.is_admin, hook_id))
    except git_hooks.HookNotFound:
        raise HTTPException(404, NOT_FOUND) from None


@router.post("/git/{hook_id}", status_code=202, responses={
    200: {"description": "a ping, answered"}, 401: {"description": "the signature or token is wrong or missing"},
    404: {"description": "no such hook, or git hooks are off"},
    429: {"description": "this hook's deliveries are over its rate (GIT_HOOK_DELIVERIES_PER_MINUTE)"}})
async def hook_push(hook_id: str, request: Request, c: ContainerDep):
    key = _hooks_key(c)
    try:
        course_id = git_hooks.course_of(hook_id)
    except git_hooks.HookNotFound:
        raise HTTPException(404, NO_HOOK) from None
    body = await request.body()  # bounded: the edge answered 413 to anything over MAX_BODY_BYTES
    try:
        # The secret is derived from the id: checked before anything is read, so a stranger's
        # deliveries cost a hash and spend none of the hook's rate.
        delivery = authenticate(request.headers, body, git_hooks.hook_secret(key, hook_id))
    except WebhookRefused as exc:
        log.warning("git hook delivery refused: %s", exc)
        raise HTTPException(401, f"webhook refused: {exc}; nothing was refreshed") from None
    wait = c.hook_deliveries.take(hook_id)
    if wait:
        raise HTTPException(429, f"this hook made more than {c.settings.git_hook_deliveries_per_minute} "
                                 "deliveries in a minute; nothing was refreshed, send it again later",
                            headers={"Retry-After": retry_after(wait)})
    events = (await c.histories.load(course_id)).events
    if hook_id not in git_hooks.hooks_of(events):
        raise HTTPException(404, NO_HOOK)
    push = _pushed(delivery, body, request)
    if isinstance(push, JSONResponse):
        return push
    course = await c.reader.get(course_id, "", True)
    if course is None:
        raise HTTPException(404, NO_HOOK)
    try:
        # A refresh the forge asks for is the owner's, held to the owner's quotas as theirs would be.
        await allowed_budget(c, course, None)
    except HTTPException as refused:
        return JSONResponse({"branch": push.branch, "refreshed": [],
                             "skipped": [{"course_id": course_id, "reason": refused.detail}]}, status_code=202)
    refresh_id = git_hooks.delivery_refresh_id(hook_id, delivery.delivery_id) if delivery.delivery_id else None

    def decide(state, events):
        git_hooks.require_hook(state, events, hook_id)
        if refresh_id is not None and git_hooks.already_delivered(events, refresh_id):
            raise git_hooks.DeliveredBefore(refresh_id)
        return refresh_on_push(state, events, push, refresh_id)

    try:
        outcome = await c.commands.execute_on_history(course_id, decide)
    except (git_hooks.HookNotFound, CourseNotFound):
        raise HTTPException(404, NO_HOOK) from None
    except git_hooks.DeliveredBefore:
        return JSONResponse({"branch": push.branch, "refreshed": [], "skipped": [],
                             "ignored": "this delivery was received before; its refresh is not asked for again"},
                            status_code=202)
    except (StageConflict, Busy) as exc:
        return JSONResponse({"branch": push.branch, "refreshed": [],
                             "skipped": [{"course_id": course_id, "reason": str(exc)}]}, status_code=202)
    refreshed = [] if outcome is None or not isinstance(outcome.event, CourseRefreshRequested) else [
        {"course_id": course_id, "refresh_id": outcome.event.payload.refresh_id}]
    return JSONResponse({"branch": push.branch, "refreshed": refreshed, "skipped": []}, status_code=202)
