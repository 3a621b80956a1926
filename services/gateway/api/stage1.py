"""Stage 1 endpoints: start, watch, read the tree, select, cancel, retry."""
from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import nats.errors

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from shared.events import Event
from shared.events.catalogue import RepoCloned
from shared.text import CleanText

from shared.repos.globs import compile_glob
from shared.repos.policy import RepoUrlRejected, vet_repo_url_async

from ..domain import runs, stage1
from ..domain.tree import all_folders, nested
from .cached import cached
from .course_access import CourseId, visible_course
from .repo_tokens import check_token, sealed_token
from .deps import ContainerDep, Offset, PrincipalDep
from .run_status import stage_status, started

log = logging.getLogger(__name__)
# How long the stage 1 status waits for the course's events (its navigation sources) before it
# answers without them: the status itself is read from the read tables.
HISTORY_PATIENCE_SECONDS = 5.0
router = APIRouter(prefix="/api/courses", tags=["stage 1: repository"])
Glob = Annotated[CleanText, Field(min_length=1, max_length=256)]


class AnalyzeRepository(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    repo_url: CleanText = Field(min_length=1, max_length=2048)
    ref: str | None = Field(default=None, min_length=1, max_length=256, pattern=r"^[^\s\x00-\x1f~^:?*\[\\]+$")
    include: list[Glob] = Field(default_factory=list, max_length=100)
    exclude: list[Glob] = Field(default_factory=list, max_length=100)
    token: SecretStr | None = Field(default=None, max_length=1024)

    @field_validator("include", "exclude")
    @classmethod
    def _globs_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            compile_glob(pattern)  # raises InvalidGlob (a ValueError) naming the pattern
        return patterns


class Selection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    selected_folders: list[Annotated[CleanText, Field(min_length=1, max_length=1024)]] = Field(
        min_length=1, max_length=stage1.MAX_SELECTED_FOLDERS)
    overview_document: CleanText | None = Field(default=None, min_length=1, max_length=1024)


@router.post("/{course_id}/analyze-repository", status_code=202)
async def analyze_repository(course_id: CourseId, body: AnalyzeRepository, c: ContainerDep, who: PrincipalDep):
    check_token(body.token)
    await visible_course(c, who, course_id)
    try:
        url = (await vet_repo_url_async(body.repo_url, c.settings.allow_local_repos)).url
    except RepoUrlRejected as exc:
        raise HTTPException(422, f"repo_url: {exc}") from None
    token_ref = await sealed_token(c, course_id, body.token)
    request = stage1.CloneRequest(url, body.ref, body.include, body.exclude, token_ref)
    outcome = await c.commands.execute(
        course_id, lambda state: stage1.start_clone(state, who.user_id, who.is_admin, request))
    return started(outcome)


@router.get("/{course_id}/stage1/status")
async def stage1_status(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    async def answer() -> dict:
        await visible_course(c, who, course_id)
        status = await stage_status(c, course_id, "stage1")
        status["navigation_sources"] = await navigation_sources_now(c, course_id, status["task_id"])
        return status
    return await cached(c, ("stage1", course_id, who.user_id, who.is_admin), answer)


async def navigation_sources_now(c: ContainerDep, course_id: str, task_id: str | None) -> list[str] | None:
    """The run's navigation sources, read from the course's events; None while the event log
    cannot answer (a cluster without a leader): the status itself comes from the read tables and
    answers all the same."""
    if task_id is None:
        return []
    try:
        # Only its scans: the whole history of a course of 20,000 documents is hundreds of megabytes.
        history = await asyncio.wait_for(c.store.load(course_id, only=(RepoCloned,)), HISTORY_PATIENCE_SECONDS)
    except (nats.errors.Error, TimeoutError) as exc:
        log.warning("stage 1 status of %s without its navigation sources: %r", course_id, exc)
        return None
    return navigation_sources(history.events, task_id)


def navigation_sources(events: list[Event], task_id: str | None) -> list[str]:
    """Where the run's scan read the documentation's navigation from (empty: none was found)."""
    cloned = [e for e in events if isinstance(e, RepoCloned) and e.payload.task_id == task_id]
    return list(cloned[-1].payload.navigation_sources) if cloned else []


@router.get("/{course_id}/repository-files")
async def repository_files(course_id: CourseId, c: ContainerDep, who: PrincipalDep,
                           limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
                           offset: Offset = 0):
    async def answer() -> dict:
        course = await visible_course(c, who, course_id)
        total, files = await c.stages.files(course_id, limit, offset)
        folders = all_folders(await c.stages.folders(course_id))
        return {"repo_name": course["repo_name"], "commit_sha": course.get("repo_commit"),
                "total_files": total, "limit": limit, "offset": offset, "files": files,
                "folders": nested(folders) if total else None,
                "overview_candidates": [d["path"] for d in await c.stages.documents(course_id, True)],
                "selection": await c.stages.selection(course_id)}
    return await cached(c, ("files", course_id, who.user_id, who.is_admin, limit, offset), answer)


@router.post("/{course_id}/stage1-selections")
async def stage1_selections(course_id: CourseId, body: Selection, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    folders = all_folders(await c.stages.folders(course_id))
    documents = {d["path"] for d in await c.stages.documents(course_id)}
    try:
        outcome = await c.commands.execute(course_id, lambda state: stage1.select_folders(
            state, who.user_id, who.is_admin, body.selected_folders, body.overview_document,
            folders, documents))
    except runs.InvalidSelection as exc:
        raise HTTPException(422, str(exc)) from None
    return {"status": "selected", "stream_seq": outcome.stream_seq,
            "selection": await c.stages.selection(course_id)}


@router.post("/{course_id}/stage1/cancel", status_code=202)
async def cancel_stage1(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    outcome = await c.commands.execute(
        course_id, lambda state: runs.cancel_stage(state, who.user_id, who.is_admin, "stage1"))
    await forget_tokens(c, course_id)
    return {"status": "cancelled", "stream_seq": outcome.stream_seq}


async def forget_tokens(c: ContainerDep, course_id: str) -> None:
    """A cancelled clone will not use its repository token: it goes now rather than at the KV's
    TTL. The cancel itself has happened; a store that fails here leaves the TTL to do it."""
    try:
        await c.secrets.purge_course(course_id)
    except Exception as exc:  # noqa: BLE001 - any store failure: the TTL still removes the entry
        log.warning("could not remove the repository tokens of cancelled course %s now (%s)", course_id, exc)


@router.post("/{course_id}/stage1/retry", status_code=202)
async def retry_stage1(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    await visible_course(c, who, course_id)
    outcome = await c.commands.execute(
        course_id, lambda state: stage1.retry_clone(state, who.user_id, who.is_admin))
    return started(outcome)
