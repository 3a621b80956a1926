"""`coursegen fork`: a new course of the caller's whose history starts with another's up to the end
of a stage, over the gateway's REST API (services/gateway/api/fork.py); then its stages, as
`coursegen status` shows them (the inherited ones are done already)."""
from __future__ import annotations

import sys

import httpx

from .operator_commands import OperatorError, call, status

STAGES = ("stage1", "stage2", "stage3", "stage4")


def stage_name(given: str) -> str:
    """'2' or 'stage2' as the API names it."""
    name = f"stage{given.removeprefix('stage')}"
    if name not in STAGES:
        raise OperatorError(f"unknown stage {given!r}: use 1, 2, 3 or 4 (or stage1 … stage4)")
    return name


def fork(api: httpx.Client, course_id: str, from_stage: str, title: str | None, out=sys.stdout) -> int:
    stage = stage_name(from_stage)
    body = {"from_stage": stage, **({"title": title} if title else {})}
    course = call(api, "POST", f"/api/courses/{course_id}/fork", json=body)
    fork_id = course["course_id"]
    out.write(f"course {fork_id} forked from {course_id} at {stage}"
              + (f": {course['title']}\n" if "title" in course else "\n"))
    status(api, fork_id, out)
    return 0
