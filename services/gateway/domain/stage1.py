"""Stage 1 decisions: start and retry a clone; select folders. Cancel and time-out are every
stage's (runs.py). Pure."""
from __future__ import annotations

from dataclasses import dataclass

from shared.events import Event
from shared.events.catalogue import FoldersSelected, RepoCloneRequested
from shared.selection import FolderSet
from shared.stage.runs import SUCCESS

from .course import CourseState, require_visible
from .runs import InvalidSelection, StageConflict, request_run, require_idle, retryable_run

STAGE = "stage1"
# Folders one selection may name: a parent folder covers its subfolders, so more is never needed
# for a real tree, and the bound keeps one request's validation small.
MAX_SELECTED_FOLDERS = 5000


@dataclass(frozen=True)
class CloneRequest:
    repo_url: str
    ref: str | None
    include: list[str]
    exclude: list[str]
    token_ref: str | None


def start_clone(state: CourseState, user_id: str, is_admin: bool, request: CloneRequest,
                retry_of: str | None = None) -> RepoCloneRequested:
    require_visible(state, user_id, is_admin)
    require_idle(state, STAGE)
    return request_run(RepoCloneRequested, state, user_id, repo_url=request.repo_url, ref=request.ref,
                       include=request.include, exclude=request.exclude, token_ref=request.token_ref,
                       retry_of=retry_of)


def retry_clone(state: CourseState, user_id: str, is_admin: bool) -> RepoCloneRequested:
    require_visible(state, user_id, is_admin)
    run = retryable_run(state, STAGE)
    p = run.request.payload
    request = CloneRequest(p.repo_url, p.ref, list(p.include), list(p.exclude), p.token_ref)
    return start_clone(state, user_id, is_admin, request, retry_of=run.task_id)


def select_folders(state: CourseState, user_id: str, is_admin: bool, folders: list[str],
                   overview: str | None, known_folders: set[str], documents: set[str]) -> Event:
    require_visible(state, user_id, is_admin)
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
