"""`coursegen refresh` and `coursegen versions`: a course's life after its first version, over the
gateway's REST API (services/gateway/api/refresh.py) — refresh it from its repository and follow
the refresh to its end, list its versions with what changed and what each cost."""
from __future__ import annotations

import sys
import time

import httpx

from .operator_commands import OperatorError, call

# Exit statuses of `refresh --wait`: a script can tell a failure from a refresh that needs a person.
EXIT_STATUS = {"NEW_VERSION": 0, "UNCHANGED": 0, "FAILED": 1, "NEEDS_CHOICE": 3}


def refresh(api: httpx.Client, course_id: str, ref: str | None, wait: bool, out=sys.stdout,
            poll: float = 0.5) -> int:
    started = call(api, "POST", f"/api/courses/{course_id}/refresh", json={"ref": ref} if ref else {})
    refresh_id = started["refresh_id"]
    out.write(f"refresh {refresh_id} started\n")
    if not wait:
        return 0
    ended = _follow(api, course_id, refresh_id, out, poll)
    outcome = ended["status"]
    out.write(f"refresh {refresh_id}: {outcome}: {ended.get('message') or ''}\n")
    if outcome == "NEW_VERSION":
        version = next((v for v in _versions(api, course_id) if v["version"] == ended["version"]), None)
        if version is not None:
            out.write(f"{version_line(version)}\n")
            for change in version["changes"]:
                out.write(f"  {change}\n")
    return EXIT_STATUS.get(outcome, 1)


def _follow(api: httpx.Client, course_id: str, refresh_id: str, out, poll: float) -> dict:
    """Poll the refresh until it ends, printing each step as it is reached — also one that began
    and ended between two polls (the answer lists every step reached)."""
    shown, steps_shown = None, 0
    while True:
        status = call(api, "GET", f"/api/courses/{course_id}/refresh")
        if status["refresh_id"] != refresh_id:
            raise OperatorError(f"refresh {refresh_id} was followed by refresh {status['refresh_id']} before its "
                                "outcome was read; see `coursegen versions`")
        reached = status.get("steps") or []
        if status["status"] != "RUNNING":
            for step in reached[steps_shown:]:  # reached after the last poll
                out.write(f"  {step}\n")
            out.flush()
            return status
        for step in reached[steps_shown:len(reached) - 1]:  # passed unseen; the current one follows
            out.write(f"  {step}\n")
        steps_shown = max(steps_shown, len(reached) - 1, 0)
        if status.get("step") != shown:
            shown = status.get("step")
            out.write(f"  {shown}\n")
            steps_shown = max(steps_shown, len(reached))
        out.flush()
        time.sleep(poll)


def versions(api: httpx.Client, course_id: str, out=sys.stdout) -> int:
    found = _versions(api, course_id)
    if not found:
        out.write(f"course {course_id} has no version yet: write it first (stage 4)\n")
    for version in found:
        out.write(f"{version_line(version)}\n")
    return 0


def _versions(api: httpx.Client, course_id: str) -> list[dict]:
    return call(api, "GET", f"/api/courses/{course_id}/versions")["versions"]


def version_line(v: dict) -> str:
    """One version: number, date, commit, what changed, what it cost."""
    date = (v.get("generated_at") or "")[:16].replace("T", " ")
    commit = (v.get("commit_sha") or "unknown")[:10]
    cost = v["cost"]
    current = " (current)" if v.get("current") else ""
    return (f"v{v['version']}{current}  {date}  commit {commit}  {v['summary']}  |  {cost['calls']} calls, "
            f"{cost['cache_hits']} cache hits, modules {cost['modules_reused']} reused / "
            f"{cost['modules_written']} written")
