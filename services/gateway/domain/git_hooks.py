"""A course's own git webhooks: the owner makes one, the forge posts pushes to its address, and a push
signed with its secret refreshes that course and no other.

A hook's id is `<course_id>.<random>`, so a delivery finds its course without a lookup table. Its
secret is derived from the gateway's key and the id (HMAC-SHA256), never stored: the log names the
hook, never a secret, and deleting the hook kills the secret with it. A delivery the forge sends
again (the same delivery id) refreshes nothing twice: the refresh it asked for has an id derived
from the hook and the delivery, found in the course's history. Pure: the endpoints are api/hooks.py."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from shared.events import COURSE_ID_PATTERN, Event
from shared.events.catalogue import (
    CourseRefreshRequested, GitHookCreated, GitHookCreatedPayload, GitHookDeleted, GitHookDeletedPayload,
)

from .course import CourseState, require_visible
from .runs import StageConflict

# Per course: more is an owner who forgot to delete the old ones.
MAX_HOOKS_PER_COURSE = 10
_HOOK_DERIVATION = b"coursegen git hook key"
_REFRESH_IDS = uuid.UUID("6f1d4c0e-2b7a-4e35-9a51-0c8d3e7f2a19")


class HookNotFound(LookupError):
    """No such hook (never made, deleted, or its course is gone): a 404, alike for all three."""


class DeliveredBefore(RuntimeError):
    """The forge sent this delivery again: its refresh was asked for already."""


def new_hook_id(course_id: str) -> str:
    return f"{course_id}.{secrets.token_urlsafe(18)}"


def course_of(hook_id: str) -> str:
    """The course a hook id names; HookNotFound for an id no hook could have."""
    course_id, dot, rest = hook_id.partition(".")
    if not dot or not COURSE_ID_PATTERN.match(course_id) or not 16 <= len(rest) <= 43 \
            or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in rest):
        raise HookNotFound(hook_id)
    return course_id


def hooks_key(git_hooks_key: str) -> bytes:
    """The key every hook's secret is derived from, itself derived from the configured key."""
    return hmac.new(git_hooks_key.encode(), _HOOK_DERIVATION, hashlib.sha256).digest()


def hook_secret(key: bytes, hook_id: str) -> str:
    """The secret the forge is given for this hook: GitHub signs with it, GitLab sends it."""
    return hmac.new(key, hook_id.encode(), hashlib.sha256).hexdigest()


def hooks_of(events: list[Event]) -> dict[str, GitHookCreated]:
    """The course's hooks that are not deleted, by id, oldest first."""
    hooks: dict[str, GitHookCreated] = {}
    for event in events:
        if isinstance(event, GitHookCreated):
            hooks[event.payload.hook_id] = event
        elif isinstance(event, GitHookDeleted):
            hooks.pop(event.payload.hook_id, None)
    return hooks


def create_hook(state: CourseState, events: list[Event], user_id: str, is_admin: bool) -> GitHookCreated:
    require_visible(state, user_id, is_admin)
    if len(hooks_of(events)) >= MAX_HOOKS_PER_COURSE:
        raise StageConflict(f"the course has {MAX_HOOKS_PER_COURSE} git hooks, the most it may have: "
                            "delete one it no longer needs first")
    return GitHookCreated(course_id=state.course_id, actor=user_id,
                          payload=GitHookCreatedPayload(hook_id=new_hook_id(state.course_id)))


def delete_hook(state: CourseState, events: list[Event], user_id: str, is_admin: bool,
                hook_id: str) -> GitHookDeleted:
    require_visible(state, user_id, is_admin)
    if hook_id not in hooks_of(events):
        raise HookNotFound(hook_id)
    return GitHookDeleted(course_id=state.course_id, actor=user_id, payload=GitHookDeletedPayload(hook_id=hook_id))


def delivery_refresh_id(hook_id: str, delivery_id: str) -> str:
    """The id of the refresh a delivery asks for: the same delivery, sent again, names the same one."""
    return str(uuid.uuid5(_REFRESH_IDS, f"{hook_id}:{delivery_id}"))


def already_delivered(events: list[Event], refresh_id: str) -> bool:
    return any(isinstance(event, CourseRefreshRequested) and event.payload.refresh_id == refresh_id
               for event in events)


def require_hook(state: CourseState, events: list[Event], hook_id: str) -> None:
    """HookNotFound unless the hook exists on a course that exists."""
    if not state.exists or hook_id not in hooks_of(events):
        raise HookNotFound(hook_id)
