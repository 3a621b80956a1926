"""Stage 1 decisions: start, cancel, retry a clone; select folders. Pure."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.events import Event
from shared.events.catalogue import FoldersSelected, RepoCloneRequested, StageCancelled, StageFailed
from shared.selection import FolderSet
from shared.stage.runs import CANCELLED, FAILURE, SUCCESS

from .course import CourseNotFound, CourseState

STAGE = "stage1"
# Folders one selection may name: a parent folder covers its subfolders, so more is never needed
# for a real tree, and the bound keeps one request's validation small.
MAX_SELECTED_FOLDERS = 5000


class StageConflict(RuntimeError):
    """The course's state does not allow the command; the message says why (409)."""


class InvalidSelection(ValueError):
    """A selection entry that is not in the discovered tree (422); names the entry."""


@dataclass(frozen=True)
class CloneRequest:
    repo_url: str
    ref: str | None
    include: list[str]
    exclude: list[str]
    token_ref: str | None


def _visible(state: CourseState, user_id: str, is_admin: bool) -> None:
    if not state.visible_to(user_id, is_admin):
        raise CourseNotFound(state.course_id)


def start_clone(state: CourseState, user_id: str, is_admin: bool, request: CloneRequest,
                retry_of: str | None = None) -> RepoCloneRequested:
    _visible(state, user_id, is_admin)
    run = state.runs.get(STAGE)
    if run is not None and run.running:
        raise StageConflict(f"stage 1 is already running (task {run.task_id}); wait for it or cancel it")
    return RepoCloneRequested(
        course_id=state.course_id, actor=user_id, correlation_id=str(uuid.uuid4()),
        payload={"task_id": uuid.uuid4().hex, "repo_url": request.repo_url, "ref": request.ref,
                 "include": request.include, "exclude": request.exclude,
                 "token_ref": request.token_ref, "retry_of": retry_of},
    )


def retry_clone(state: CourseState, user_id: str, is_admin: bool) -> RepoCloneRequested:
    _visible(state, user_id, is_admin)
    run = state.runs.get(STAGE)
    if run is None or run.status not in (FAILURE, CANCELLED):
        status = "has not run" if run is None else f"is {run.status}"
        raise StageConflict(f"stage 1 {status}; only a failed or cancelled stage can be retried")
    p = run.request.payload
    request = CloneRequest(p.repo_url, p.ref, list(p.include), list(p.exclude), p.token_ref)
    return start_clone(state, user_id, is_admin, request, retry_of=run.task_id)


def cancel_stage(state: CourseState, user_id: str, is_admin: bool, stage: str) -> StageCancelled:
    _visible(state, user_id, is_admin)
    run = state.runs.get(stage)
    if run is None or not run.running:
        status = "has not run" if run is None else f"is {run.status}"
        raise StageConflict(f"{stage} {status}; only a running stage can be cancelled")
    return StageCancelled(course_id=state.course_id, actor=user_id, causation_id=run.request.event_id,
                          correlation_id=run.request.correlation_id,
                          payload={"stage": stage, "task_id": run.task_id, "reason": f"cancelled by {user_id}"})


def select_folders(state: CourseState, user_id: str, is_admin: bool, folders: list[str],
                   overview: str | None, known_folders: set[str], documents: set[str]) -> Event:
    _visible(state, user_id, is_admin)
    run = state.runs.get(STAGE)
    if run is None or run.status != SUCCESS:
        raise StageConflict("stage 1 has not succeeded yet; select folders once the repository is scanned")
    if len(folders) > MAX_SELECTED_FOLDERS:
        raise InvalidSelection(f"selected_folders: {len(folders)} folders given, at most {MAX_SELECTED_FOLDERS} "
                               "may be selected at once; select their parent folders instead")
    for folder in folders:
        _check_path(folder, "selected_folders")
        if folder not in known_folders:
            raise InvalidSelection(f"selected_folders: {folder!r} is not a folder of the repository")
    if overview is not None:
        _check_path(overview, "overview_document")
        if overview not in documents:
            raise InvalidSelection(f"overview_document: {overview!r} is not a documentation file "
                                   "of the repository")
    if overview is None and not any(map(FolderSet(folders).holds, documents)):
        raise InvalidSelection("selected_folders: the selected folders hold no documentation files; "
                               "choose folders that contain documents")
    return FoldersSelected(course_id=state.course_id, actor=user_id,
                           payload={"selected_folders": sorted(set(folders)), "overview_document": overview})


ROOT_FOLDER = "."


def _check_path(path: str, field: str) -> None:
    if path == ROOT_FOLDER:
        return
    if path.startswith("/") or "\\" in path or "\x00" in path:
        raise InvalidSelection(f"{field}: {path!r} must be a relative path inside the repository")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise InvalidSelection(f"{field}: {path!r} must not contain '..', '.' or empty segments")


def time_out_stage(state: CourseState, stage: str, task_id: str, silent_seconds: float) -> StageFailed:
    """The watchdog's decision: fail a run that has said nothing for too long, if it still runs."""
    run = state.runs.get(stage)
    if not state.exists or run is None or run.task_id != task_id or not run.running:
        raise StageConflict(f"{stage} run {task_id} is no longer running")
    minutes = max(1, round(silent_seconds / 60))
    return StageFailed(course_id=state.course_id, actor="watchdog", causation_id=run.request.event_id,
                       correlation_id=run.request.correlation_id,
                       payload={"stage": stage, "task_id": task_id, "error_message":
                                f"{stage} timed out: no progress for {minutes} minute(s) (is its service "
                                "running?); retry the stage"})
