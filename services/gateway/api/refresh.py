"""A course's life after its first version: refresh it from its repository, watch the refresh, list
its versions with their changelogs and costs, download any of them."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from nats.js.errors import NotFoundError, ObjectNotFoundError
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from shared.course_versions import Version, course_versions
from shared.events.catalogue import CourseRefreshRequested
from shared.leftover_tasks import all_or_none

from ..domain.refresh import RefreshFold, fold_refresh, request_refresh
from ..edge.quotas import allowed_budget
from .export_files import Mastery, checked_mastery, chosen, offered, served
from .course_access import CourseId, visible_course
from .deps import ContainerDep, PrincipalDep
from ..reading.ledgers import run_ledger
from .repo_tokens import check_token, sealed_token

router = APIRouter(prefix="/api/courses", tags=["living courses"])
GONE = (NotFoundError, ObjectNotFoundError)
STEPS = {"stage1": "scanning the repository", "stage2": "analysing the documents",
         "stage3": "carrying the pathway forward", "stage4": "writing the changed modules"}


class RefreshBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: str | None = Field(default=None, min_length=1, max_length=256, pattern=r"^[^\s\x00-\x1f~^:?*\[\\]+$",
                            description="a branch, tag or commit; none: the ref the course was built from")
    token: SecretStr | None = Field(default=None, max_length=1024, description=(
        "a private repository's token for this refresh (sealed like stage 1's; the first one is gone "
        "after its use)"))


@router.post("/{course_id}/refresh", status_code=202)
async def refresh(course_id: CourseId, c: ContainerDep, who: PrincipalDep, body: RefreshBody | None = None):
    body = body or RefreshBody()
    check_token(body.token)
    # Its runs keep the budgets their stages' last runs had (domain/refresh.py); refused like a
    # start while the owner's runs in flight or spend are at their limit.
    await allowed_budget(c, await visible_course(c, who, course_id), None)
    token_ref = await sealed_token(c, course_id, body.token)
    outcome = await c.commands.execute_on_history(course_id, lambda state, events: request_refresh(
        state, fold_refresh(events), who.user_id, who.is_admin, body.ref, token_ref=token_ref))
    return JSONResponse({"refresh_id": outcome.event.payload.refresh_id, "status": "started",
                         "stream_seq": outcome.stream_seq}, status_code=202)


@router.get("/{course_id}/refresh")
async def refresh_status(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """The latest refresh: running (and its step), or how it ended."""
    await visible_course(c, who, course_id)
    history = await c.histories.load(course_id)
    fold = fold_refresh(history.events)
    if fold.latest is not None and fold.latest.ended is not None:
        # This answer comes from the log; the stage and version routes read the projected tables.
        # An ended refresh is answered once they hold what it saw (bounded, as a write waits), so
        # the next read of a stage's status agrees with it (it read STARTED under load once).
        await c.projector.wait_for(history.last_seq, c.settings.projection_wait_seconds)
    return refresh_answer(fold)


def refresh_answer(fold: RefreshFold) -> dict:
    refresh = fold.latest
    if refresh is None:
        return {"status": "NONE", "refresh_id": None}
    request: CourseRefreshRequested = refresh.request
    answer = {"refresh_id": refresh.refresh_id, "ref": request.payload.ref, "trigger": request.payload.trigger,
              "requested_at": request.occurred_at, "requested_by": request.actor}
    # Every step reached so far, in order: a client polling between two of them still shows both.
    steps = [STEPS[stage] for stage, _ in refresh.runs]
    if refresh.ended is None:
        if not refresh.runs:  # the manager has not asked for stage 1 yet
            return {**answer, "status": "RUNNING", "stage": None, "step": "starting"}
        stage = refresh.runs[-1][0]
        run = fold.runs.get(stage)
        step = run.current_step if run is not None and run.task_id == refresh.task(stage) else "Waiting"
        return {**answer, "status": "RUNNING", "stage": stage, "step": f"{STEPS[stage]}: {step}", "steps": steps}
    p = refresh.ended.payload
    return {**answer, "status": p.outcome.upper().replace("-", "_"), "message": p.message,
            "steps": steps,
            "commit_sha": p.commit_sha, "ended_at": refresh.ended.occurred_at,
            "version": fold.version_count if p.outcome == "new-version" else None}


@router.get("/{course_id}/versions")
async def versions(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """Every version, newest first, each with its commit, changelog, cost and download."""
    await visible_course(c, who, course_id)
    history = await c.histories.load(course_id)
    found = course_versions(history.events)
    ledgers = await all_or_none(*(run_ledger(c.artefacts, course_id, v.task_id) for v in reversed(found)))
    return {"versions": [version_answer(course_id, v, v.number == len(found), ledger)
                         for v, ledger in zip(reversed(found), ledgers)]}


def version_answer(course_id: str, v: Version, current: bool, ledger: dict | None = None) -> dict:
    log = v.changelog
    return {"ledger": ledger,
        "version": v.number, "current": current, "task_id": v.task_id, "generated_at": v.generated_at,
        "commit_sha": v.commit_sha, "ref": v.ref, "refresh_id": v.refresh_id,
        "summary": log.summary() if log else "first version",
        "changes": log.lines() if log else [],
        "changelog": None if log is None else {
            "documents": {"changed": list(log.documents_changed), "added": list(log.documents_added),
                          "removed": list(log.documents_removed)},
            "modules": {kind: [{"position": m.position, "title": m.title, "module_id": m.module_id} for m in refs]
                        for kind, refs in (("regenerated", log.modules_regenerated), ("kept", log.modules_kept),
                                           ("added", log.modules_added), ("removed", log.modules_removed))},
            "placed": [{"path": p.path, "module": p.module.position, "module_title": p.module.title}
                       for p in log.placed]},
        "cost": vars(v.cost),
        "modules": [{"position": m.position, "title": m.title} for m in v.modules],
        "export": {"url": f"/api/courses/{course_id}/versions/{v.number}/export", "bytes": v.export_bytes,
                   "formats": offered(f"/api/courses/{course_id}/versions/{v.number}/export")},
    }


@router.get("/{course_id}/versions/{number}/export")
async def version_export(course_id: CourseId, number: int, c: ContainerDep, who: PrincipalDep,
                         format: str | None = None, mastery: Mastery = None):
    """Version `number` in one format of shared/export_formats.py (`format`; the zip by default)."""
    format_name = chosen(format)
    mastery = checked_mastery(format_name, mastery)
    course = await visible_course(c, who, course_id)
    found = course_versions((await c.histories.load(course_id)).events)
    if not 1 <= number <= len(found):
        # Not 404: that answer means "no such course (or not yours)" on every course route.
        raise HTTPException(409, f"version {number} does not exist; the course has {len(found)} version(s)")
    return await served(c.artefacts, found[number - 1].export_ref, format_name, course["title"],
                        f"version {number}'s export is no longer stored", f"-v{number}", mastery)
