"""Refreshing a course: carry its current version forward to the repository's new head with the
least work. Pure: the refresh's state is folded from the course's events, and `next_step` says which
event the refresh manager (services/gateway/workers/refresher.py) appends next — one at a time, decided
again on fresh state after each, so a crash or a second gateway never doubles a step.

The chain: stage 1 at the new head → the same folders selected again → (same snapshot: unchanged)
stage 2 with the same settings (its cache makes unchanged documents free) → (same analysis
fingerprint: unchanged) stage 3 adapting the chosen pathway → the pathway selected → stage 4 reusing
every module whose plan and sources are unchanged → the refresh ends with the new version."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Iterable

from shared.events import Event
from shared.events.catalogue import (
    CourseGenerated, CourseGenerationRequested, CourseRefreshEnded, CourseRefreshRequested, DocsAnalysed,
    DocsAnalysisRequested, FoldersSelected, PathwaysGenerated, PathwaySelected, PathwaysRequested,
    RepoCloned, RepoCloneRequested, RepoFilesDiscovered,
)
from shared.selection import ROOT, documents_in
from shared.stage.runs import CANCELLED, FAILURE, SUCCESS, StageRun, evolve_runs

from .course import CourseState, require_visible
from .runs import StageConflict, request_run
from .tree import all_folders

STAGES = ("stage1", "stage2", "stage3", "stage4")


@dataclass(frozen=True)
class Built:
    """What the course's current version was built from: the runs of each stage at its request."""
    clone: RepoCloneRequested | None = None
    snapshot_ref: str | None = None
    selection: FoldersSelected | None = None
    analysis: DocsAnalysisRequested | None = None
    analysis_fingerprint: str | None = None
    pathways: PathwaysRequested | None = None
    generation: CourseGenerationRequested | None = None


@dataclass(frozen=True)
class Refresh:
    """One refresh: what it was asked, what it builds on, the runs it started and how it ended."""
    request: CourseRefreshRequested
    base: Built
    runs: tuple[tuple[str, str], ...] = ()  # (stage, task id) of the runs it requested, in order
    reselected: bool = False
    pathway_selected: bool = False
    ended: CourseRefreshEnded | None = None

    @property
    def refresh_id(self) -> str:
        return self.request.payload.refresh_id

    def task(self, stage: str) -> str | None:
        return next((task for s, task in self.runs if s == stage), None)


@dataclass(frozen=True)
class RefreshFold:
    """A course's refreshes and what its current version was built from, folded from its events."""
    runs: dict[str, StageRun]
    current: Built            # the latest stage 4 success's inputs
    latest: Refresh | None    # the last refresh asked for, open or ended
    scanned: dict[str, tuple[RepoCloned, list]]  # clone task -> its RepoCloned and discovered files
    analysed: dict[str, DocsAnalysed]
    generated: dict[str, PathwaysGenerated]
    version_count: int

    @property
    def open(self) -> Refresh | None:
        return self.latest if self.latest is not None and self.latest.ended is None else None


def fold_refresh(events: Iterable[Event]) -> RefreshFold:
    runs: dict[str, StageRun] = {}
    files: dict[str, list] = {}
    cloned: dict[str, RepoCloned] = {}
    analysed: dict[str, DocsAnalysed] = {}
    generated: dict[str, PathwaysGenerated] = {}
    last = Built()          # the latest successful run of each stage, and the selection
    at_request: dict[str, Built] = {}
    current = Built()
    latest: Refresh | None = None
    versions: set[str] = set()
    for event in events:
        runs = evolve_runs(runs, event)
        p = event.payload
        if isinstance(event, RepoFilesDiscovered):
            files.setdefault(p.task_id, []).extend(p.files)
        elif isinstance(event, RepoCloned):
            cloned[p.task_id] = event
            request = runs["stage1"].request if "stage1" in runs and runs["stage1"].task_id == p.task_id else None
            last = replace(last, clone=request or last.clone, snapshot_ref=p.snapshot_ref, selection=None)
        elif isinstance(event, FoldersSelected):
            last = replace(last, selection=event)
            if latest is not None and latest.ended is None and latest.task("stage1"):
                latest = replace(latest, reselected=True)
        elif isinstance(event, DocsAnalysed):
            analysed[p.task_id] = event
            run = runs.get("stage2")
            if run is not None and run.task_id == p.task_id:
                last = replace(last, analysis=run.request, analysis_fingerprint=p.fingerprint)
        elif isinstance(event, PathwaysGenerated):
            generated[p.task_id] = event
            run = runs.get("stage3")
            if run is not None and run.task_id == p.task_id:
                last = replace(last, pathways=run.request)
        elif isinstance(event, PathwaySelected):
            if latest is not None and latest.ended is None and latest.task("stage3"):
                latest = replace(latest, pathway_selected=True)
        elif isinstance(event, CourseGenerationRequested):
            at_request[p.task_id] = replace(last, generation=event)
        elif isinstance(event, CourseGenerated) and p.task_id in at_request and p.task_id not in versions:
            versions.add(p.task_id)
            current = at_request[p.task_id]
        elif isinstance(event, CourseRefreshRequested):
            latest = Refresh(event, current)
        elif isinstance(event, CourseRefreshEnded) and latest is not None and latest.refresh_id == p.refresh_id:
            latest = replace(latest, ended=event)
        stage = _requested_stage(event)
        # While a refresh is open no one else may start a stage (require_idle), so every stage
        # request until it ends is one of its steps.
        if stage and latest is not None and latest.ended is None and (stage, p.task_id) not in latest.runs:
            latest = replace(latest, runs=(*latest.runs, (stage, p.task_id)))
    scanned = {task: (event, files.get(task, [])) for task, event in cloned.items()}
    return RefreshFold(runs, current, latest, scanned, analysed, generated, len(versions))


def _requested_stage(event: Event) -> str | None:
    return {RepoCloneRequested: "stage1", DocsAnalysisRequested: "stage2", PathwaysRequested: "stage3",
            CourseGenerationRequested: "stage4"}.get(type(event))


# --- the command --------------------------------------------------------------------------------
def request_refresh(state: CourseState, fold: RefreshFold, user_id: str, is_admin: bool,
                    ref: str | None, trigger: str = "user", token_ref: str | None = None,
                    refresh_id: str | None = None) -> CourseRefreshRequested:
    require_visible(state, user_id, is_admin)
    if fold.open is not None:
        raise StageConflict(f"a refresh is already running (refresh {fold.open.refresh_id}); wait for it")
    if fold.version_count == 0 or fold.current.generation is None:
        raise StageConflict("the course has no version to refresh yet: write it first (POST generate-course)")
    running = [stage for stage, run in state.runs.items() if run.running]
    if running:
        raise StageConflict(f"{running[0].replace('stage', 'stage ')} is running; refresh once it has finished")
    if fold.current.clone is None or fold.current.selection is None:
        raise StageConflict("the current version's repository scan is unknown; run stage 1 again")
    if fold.current.clone.payload.token_ref is not None and token_ref is None:
        # Its token was removed once the first scan used it (services/repo_clone/handlers.py).
        raise StageConflict("the course's repository is private and its token was used up by its last scan: "
                            'send a token with the refresh ({"token": "…"})')
    return CourseRefreshRequested(course_id=state.course_id, actor=user_id,
                                  payload={"refresh_id": refresh_id or str(uuid.uuid4()), "ref": ref, "trigger": trigger,
                                           "token_ref": token_ref})


# --- the manager's decisions --------------------------------------------------------------------
def next_step(state: CourseState, fold: RefreshFold) -> Event | None:
    """The event the open refresh needs next, or None when it waits for a stage (or none is open)."""
    refresh = fold.open
    if refresh is None or not state.exists:
        return None
    base, actor = refresh.base, refresh.request.actor
    clone_task = refresh.task("stage1")
    if clone_task is None:
        p = base.clone.payload
        return request_run(RepoCloneRequested, state, actor, repo_url=p.repo_url,
                           ref=refresh.request.payload.ref or p.ref, include=list(p.include),
                           exclude=list(p.exclude), token_ref=refresh.request.payload.token_ref or p.token_ref)
    if (ended := _failed(state, refresh, "stage1", "the repository could not be scanned")) is not None:
        return ended
    if not _succeeded(state, "stage1", clone_task):
        return None
    cloned, files = fold.scanned[clone_task]
    if not refresh.reselected:
        return _reselect(state, refresh, files, cloned)
    commit = cloned.payload.commit_sha
    if cloned.payload.snapshot_ref == base.snapshot_ref:
        return _end(state, refresh, "unchanged", f"the repository has not changed since version "
                    f"{fold.version_count} (commit {commit[:10]})", commit)
    analysis_task = refresh.task("stage2")
    if analysis_task is None:
        p = base.analysis.payload
        return request_run(DocsAnalysisRequested, state, actor, complexity_level=p.complexity_level,
                           additional_info=p.additional_info, clone_task_id=clone_task, budget_usd=p.budget_usd)
    if (ended := _failed(state, refresh, "stage2", "the documents could not be analysed")) is not None:
        return ended
    if not _succeeded(state, "stage2", analysis_task):
        return None
    analysis = fold.analysed[analysis_task].payload
    if analysis.fingerprint is not None and analysis.fingerprint == base.analysis_fingerprint:
        return _end(state, refresh, "unchanged", f"commit {commit[:10]} changes none of the course's "
                    f"{analysis.document_count} documents; version {fold.version_count} stays current", commit)
    pathway_id = base.generation.payload.pathway_id
    pathways_task = refresh.task("stage3")
    if pathways_task is None:
        p = base.pathways.payload if base.pathways else None
        return request_run(PathwaysRequested, state, actor, additional_info=p.additional_info if p else "",
                           analysis_task_id=analysis_task, pathway_count=p.pathway_count if p else 3,
                           budget_usd=p.budget_usd if p else None, adapt_pathway_id=pathway_id)
    if (ended := _failed(state, refresh, "stage3", "the pathway could not be carried forward")) is not None:
        return ended
    if not _succeeded(state, "stage3", pathways_task):
        return None
    proposal = fold.generated[pathways_task].payload
    if pathway_id not in {p.pathway_id for p in proposal.pathways}:
        why = proposal.repaired[0] if proposal.repaired else "the documentation changed too much"
        return _end(state, refresh, "needs-choice", f"{why}; {len(proposal.pathways)} new pathways are "
                    "proposed: choose one and write the course", commit)
    if not refresh.pathway_selected:
        return PathwaySelected(course_id=state.course_id, actor=actor, payload={"pathway_id": pathway_id})
    generation_task = refresh.task("stage4")
    if generation_task is None:
        p = base.generation.payload
        return request_run(CourseGenerationRequested, state, actor, pathway_id=pathway_id,
                           budget_usd=p.budget_usd, reuse_from=p.task_id)
    if (ended := _failed(state, refresh, "stage4", "the course could not be written")) is not None:
        return ended
    if not _succeeded(state, "stage4", generation_task):
        return None
    return _end(state, refresh, "new-version", f"version {fold.version_count} written from commit {commit[:10]}",
                commit, generation_task)


def abandon(state: CourseState, fold: RefreshFold, reason: str) -> CourseRefreshEnded | None:
    """The open refresh ended FAILED with `reason` (None when none is open): for a refresh the
    manager cannot carry further — a rule that never settles, an event that wakes it which it
    cannot read or handle — so no refresh stays open for ever, refusing the course's stage commands."""
    refresh = fold.open
    if refresh is None or not state.exists:
        return None
    return _end(state, refresh, "failed", f"{reason}; the current version stays", None)


def _reselect(state: CourseState, refresh: Refresh, files: list, cloned: RepoCloned) -> Event:
    """The folders of the current version selected again on the new scan, those that still exist."""
    p = refresh.base.selection.payload
    folders = all_folders(f.path.rpartition("/")[0] or ROOT for f in files)
    documents = {f.path for f in files if f.is_documentation}
    kept = sorted(folder for folder in p.selected_folders if folder in folders)
    overview = p.overview_document if p.overview_document in documents else None
    if not documents_in(files, kept, overview):
        return _end(state, refresh, "failed", "none of the selected folders holds documentation at commit "
                    f"{cloned.payload.commit_sha[:10]}: select folders and run the stages again",
                    cloned.payload.commit_sha)
    return FoldersSelected(course_id=state.course_id, actor=refresh.request.actor,
                           payload={"selected_folders": kept, "overview_document": overview})


def _succeeded(state: CourseState, stage: str, task_id: str) -> bool:
    run = state.runs.get(stage)
    return run is not None and run.task_id == task_id and run.status == SUCCESS


def _failed(state: CourseState, refresh: Refresh, stage: str, what: str) -> CourseRefreshEnded | None:
    run = state.runs.get(stage)
    task = refresh.task(stage)
    if run is None or task is None:
        return None
    if run.task_id != task:
        return _end(state, refresh, "failed", f"{what}: another run of {stage.replace('stage', 'stage ')} "
                    "replaced the refresh's; the current version stays", None)
    if run.status not in (FAILURE, CANCELLED):
        return None
    why = run.error_message or ("cancelled" if run.status == CANCELLED else "failed")
    return _end(state, refresh, "failed", f"{what} ({why}); the current version stays", None)


def _end(state: CourseState, refresh: Refresh, outcome: str, message: str, commit: str | None,
         generation_task: str | None = None) -> CourseRefreshEnded:
    return CourseRefreshEnded(course_id=state.course_id, actor=refresh.request.actor,
                              causation_id=refresh.request.event_id,
                              payload={"refresh_id": refresh.refresh_id, "outcome": outcome,
                                       "message": message[:4000], "commit_sha": commit,
                                       "generation_task_id": generation_task})
