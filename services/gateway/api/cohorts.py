"""Cohorts (issue 46): a course owner groups learners and mentors, assigns courses to them with a
release schedule, and follows their progress — as events on the cohort's own history, answered from
the read tables. Members are named in the events by a reference; who they are is sealed with their
own key (learners/)."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.text import CleanText
from shared.events.cohort_events import (
    CohortCreatedPayload, CourseAssignedPayload, MemberAddedPayload, MemberRemovedPayload, ReleaseScheduledPayload,
    CohortCreated, CourseAssigned, MemberAdded, MemberRemoved, Release, ReleaseScheduled,
)

from ..learners.personal_data import seal
from ..learners.progress import cohort_progress, opened_members
from .cohort_access import CohortId, UserIdPath, managed_cohort
from .course_access import CourseId
from .deps import ContainerDep, PrincipalDep
from ..learners.content import version_count
from .projects import NOT_FOUND

router = APIRouter(prefix="/api/cohorts", tags=["learning: cohorts"])


class CohortCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: CleanText = Field(min_length=1, max_length=200)


class MemberAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: CleanText = Field(min_length=1, max_length=256, description="the identity provider's subject")
    role: Literal["learner", "mentor"]
    email: str | None = Field(default=None, max_length=320, pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}$",
                              description="shown to the cohort's owner and mentors")


class ReleaseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every_days: int = Field(ge=1, le=365, description="one more module every this many days")
    start: date = Field(description="the day the first module is released (UTC)")


class CourseAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    version: int | None = Field(default=None, ge=1, description="the version learners read; absent: the current one")
    release: ReleaseBody | None = Field(default=None, description="absent: every module at once")


class ReleaseChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    release: ReleaseBody | None = Field(default=None, description="absent: every module at once")


def _release(body: ReleaseBody | None) -> Release | None:
    return None if body is None else Release(every_days=body.every_days, start=body.start)


def _schedule(row: dict) -> dict | None:
    every, start = row["release_every_days"], row["release_start"]
    return None if every is None else {"every_days": every, "start": start}


@router.post("", status_code=201)
async def create_cohort(body: CohortCreate, c: ContainerDep, who: PrincipalDep):
    cohort_id = uuid.uuid4().hex
    event = CohortCreated(course_id=cohort_id, actor=who.user_id,
                          payload=CohortCreatedPayload(owner_id=who.user_id, name=body.name))
    outcome = await c.commands.record(event)
    return {"cohort_id": cohort_id, "name": event.payload.name, "projected": outcome.projected}


@router.get("")
async def list_cohorts(c: ContainerDep, who: PrincipalDep):
    """The cohorts the caller owns, and those they mentor."""
    owned = await c.cohorts.owned_by(who.user_id)
    ref = await c.people.ref_of(who.user_id)
    mentored = [m for m in (await c.cohorts.memberships(ref) if ref else []) if m["role"] == "mentor"]
    return {"owned": [{"cohort_id": r["cohort_id"], "name": r["name"], "created_at": r["created_at"]} for r in owned],
            "mentored": [{"cohort_id": m["cohort_id"], "name": m["name"]} for m in mentored]}


@router.get("/{cohort_id}")
async def get_cohort(cohort_id: CohortId, c: ContainerDep, who: PrincipalDep):
    cohort = await managed_cohort(c, who, cohort_id, mentors=True)
    members = await opened_members(c, cohort_id)
    courses = await c.cohorts.courses(cohort_id)
    return {"cohort_id": cohort_id, "name": cohort["name"], "owner_id": cohort["owner_id"],
            "created_at": cohort["created_at"],
            "members": [{"user_id": m.user_id, "email": m.email, "role": m.role, "added_at": m.added_at}
                        for m in members],
            "courses": [{"course_id": r["course_id"], "title": r["title"], "version": r["version"],
                         "release": _schedule(r), "assigned_at": r["assigned_at"]} for r in courses]}


@router.post("/{cohort_id}/members", status_code=201)
async def add_member(cohort_id: CohortId, body: MemberAdd, c: ContainerDep, who: PrincipalDep):
    await managed_cohort(c, who, cohort_id)
    person = await c.people.of(body.user_id)
    sealed = seal(person.key, person.ref, {"user_id": body.user_id, "email": body.email})
    payload = MemberAddedPayload(member=person.ref, role=body.role, sealed=sealed)
    outcome = await c.commands.record(MemberAdded(course_id=cohort_id, actor=who.user_id, payload=payload))
    return {"user_id": body.user_id, "role": body.role, "projected": outcome.projected}


@router.delete("/{cohort_id}/members/{user_id}", status_code=204)
async def remove_member(cohort_id: CohortId, user_id: UserIdPath, c: ContainerDep, who: PrincipalDep):
    await managed_cohort(c, who, cohort_id)
    ref = await c.people.ref_of(user_id)
    if ref is None or await c.cohorts.role_in(cohort_id, ref) is None:
        raise HTTPException(404, "no such member of this cohort")
    await c.commands.record(MemberRemoved(course_id=cohort_id, actor=who.user_id,
                                          payload=MemberRemovedPayload(member=ref)))
    return Response(status_code=204)


@router.post("/{cohort_id}/courses", status_code=201)
async def assign_course(cohort_id: CohortId, body: CourseAssign, c: ContainerDep, who: PrincipalDep):
    """Teach one of the caller's courses (a version of it) to the cohort; again: its version or
    schedule changes."""
    await managed_cohort(c, who, cohort_id)
    course = await c.reader.get(body.course_id, who.user_id, who.is_admin)
    if course is None:
        raise HTTPException(404, NOT_FOUND)
    versions = await version_count(c, body.course_id)
    if versions == 0:
        raise HTTPException(409, "the course has no version yet: generate it (stage 4) before assigning it")
    if body.version is not None and body.version > versions:
        raise HTTPException(409, f"version {body.version} does not exist; the course has {versions} version(s)")
    version = body.version or versions
    payload = CourseAssignedPayload(course_id=body.course_id, version=version, release=_release(body.release))
    outcome = await c.commands.record(CourseAssigned(course_id=cohort_id, actor=who.user_id, payload=payload))
    return {"course_id": body.course_id, "version": version,
            "release": body.release.model_dump() if body.release else None, "projected": outcome.projected}


@router.put("/{cohort_id}/courses/{course_id}/release")
async def schedule_release(cohort_id: CohortId, course_id: CourseId, body: ReleaseChange, c: ContainerDep,
                           who: PrincipalDep):
    await managed_cohort(c, who, cohort_id)
    if not any(r["course_id"] == course_id for r in await c.cohorts.courses(cohort_id)):
        raise HTTPException(404, "the course is not assigned to this cohort")
    payload = ReleaseScheduledPayload(course_id=course_id, release=_release(body.release))
    outcome = await c.commands.record(ReleaseScheduled(course_id=cohort_id, actor=who.user_id, payload=payload))
    return {"course_id": course_id, "release": body.release.model_dump() if body.release else None,
            "projected": outcome.projected}


@router.get("/{cohort_id}/progress")
async def progress(cohort_id: CohortId, c: ContainerDep, who: PrincipalDep,
                   inactive_days: int = Query(default=7, ge=1, le=365)):
    """Per course: learners × released modules (read, score, last activity), the questions most
    often missed with the option most often chosen, and who has been idle `inactive_days` days."""
    await managed_cohort(c, who, cohort_id, mentors=True)
    return await cohort_progress(c, cohort_id, inactive_days)


@router.get("/{cohort_id}/progress.csv")
async def progress_csv(cohort_id: CohortId, c: ContainerDep, who: PrincipalDep,
                       inactive_days: int = Query(default=7, ge=1, le=365)):
    """The learners × modules table as CSV: one row per learner, course and module."""
    await managed_cohort(c, who, cohort_id, mentors=True)
    found = await cohort_progress(c, cohort_id, inactive_days)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["course", "module", "module_title", "user_id", "email", "read", "answered", "correct",
                     "questions", "completed", "last_activity"])
    for course in found["courses"]:
        titles = {m["module_id"]: (m["position"], m["title"]) for m in course["modules"]}
        for learner in course["learners"]:
            for cell in learner["modules"]:
                position, title = titles[cell["module_id"]]
                writer.writerow([course["title"], position, _cell(title), _cell(learner["user_id"]),
                                 _cell(learner["email"] or ""), cell["read"], cell["answered"], cell["correct"],
                                 cell["questions"], cell["completed"], cell["last_activity"] or ""])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="cohort-{cohort_id}-progress.csv"'})


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ would be run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
