"""A course's versions, folded from its events: every stage 4 run that succeeded is the next version;
its changelog compares what it was built from (documents, modules) with the version before it, and
its cost sums what the runs since that version paid. Pure; the gateway answers `GET …/versions` from
it and stage 4 writes the coming version's notes into the export."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Iterable, Mapping

from shared.course_edits import EDIT_EVENTS, Edit, edit_words, fold_edits
from shared.events import Event
from shared.events.catalogue import (
    CourseForked, CourseGenerated, CourseGenerationRequested, CourseRefreshEnded, CourseRefreshRequested,
    DocAnalysed, DocsAnalysed, EditUndone, ModuleGenerated, Pathway, PathwaysGenerated, RepoCloned,
    RepoCloneRequested, TokenUsage,
)

OFFLINE = "offline"  # the offline provider's name (shared/llm/offline.py)


@dataclass(frozen=True)
class ModuleRef:
    position: int
    title: str
    module_id: str


@dataclass(frozen=True)
class Placement:
    path: str
    module: ModuleRef


@dataclass(frozen=True)
class Changelog:
    documents_changed: tuple[str, ...] = ()
    documents_added: tuple[str, ...] = ()
    documents_removed: tuple[str, ...] = ()
    modules_regenerated: tuple[ModuleRef, ...] = ()
    modules_kept: tuple[ModuleRef, ...] = ()
    modules_added: tuple[ModuleRef, ...] = ()
    modules_removed: tuple[ModuleRef, ...] = ()
    placed: tuple[Placement, ...] = ()  # documents new to the course, and the module that took each
    # The author's edits and undos since the version before, one sentence each (shared/course_edits.py).
    edits: tuple[str, ...] = ()
    # Modules written anew under the author's edits (which stay on top): their sources changed, or
    # the author asked for them anew (`asked`).
    rewritten_under_edits: tuple[ModuleRef, ...] = ()
    asked: tuple[ModuleRef, ...] = ()

    def summary(self) -> str:
        """One line, e.g. "3 documents changed, modules 2 and 5 regenerated, 1 document added to module 4"."""
        parts = []
        if self.documents_changed:
            parts.append(_count(len(self.documents_changed), "document") + " changed")
        by_module: dict[int, int] = {}
        for placement in self.placed:
            by_module[placement.module.position] = by_module.get(placement.module.position, 0) + 1
        for position, count in sorted(by_module.items()):
            parts.append(f"{_count(count, 'document')} added to module {position}")
        unplaced = len(self.documents_added) - len(self.placed)
        if unplaced > 0:
            parts.append(f"{_count(unplaced, 'document')} added")
        if self.documents_removed:
            parts.append(_count(len(self.documents_removed), "document") + " removed")
        if self.modules_regenerated:
            parts.append(f"{_modules(self.modules_regenerated)} regenerated")
        if self.modules_added:
            parts.append(f"{_modules(self.modules_added)} new")
        if self.modules_removed:
            parts.append(f"{_count(len(self.modules_removed), 'module')} removed")
        if self.edits:
            parts.append(self.edits[0][0].lower() + self.edits[0][1:] if len(self.edits) == 1
                         else f"{len(self.edits)} edits by the author")
        under = [m for m in self.rewritten_under_edits if m not in self.asked]
        if under:
            parts.append(f"{_modules(under)} edited; {'its' if len(under) == 1 else 'their'} sources changed "
                         f"under {'it' if len(under) == 1 else 'them'}")
        return ", ".join(parts) if parts else "nothing changed"

    def lines(self) -> list[str]:
        """The changelog as sentences, one fact each, for the export and the UI."""
        lines = [f"Changed: {path}" for path in self.documents_changed]
        placed = {p.path: p.module for p in self.placed}
        for path in self.documents_added:
            module = placed.get(path)
            lines.append(f"Added: {path}" + (f" (module {module.position}, {module.title})" if module else ""))
        lines += [f"Removed: {path}" for path in self.documents_removed]
        lines += [f"Module {m.position}, {m.title}: regenerated" for m in self.modules_regenerated]
        lines += [f"Module {m.position}, {m.title}: new" for m in self.modules_added]
        lines += [f"Module {m.title}: removed" for m in self.modules_removed]
        lines += list(self.edits)
        for m in self.rewritten_under_edits:
            why = "written anew as the author asked" if m in self.asked else "its sources changed under it"
            lines.append(f"Module {m.position}, {m.title}: edited; {why} (the author's edits stay on top)")
        if self.modules_kept:
            lines.append(f"Kept as they were: {_modules(self.modules_kept)}")
        return lines


@dataclass(frozen=True)
class Cost:
    """What the runs that led to a version paid: provider calls and tokens, and what the analysis cache saved."""
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    documents_analysed: int = 0
    cache_hits: int = 0
    modules_written: int = 0
    modules_reused: int = 0

    def plus(self, usage: TokenUsage | None) -> "Cost":
        if usage is None or usage.provider == OFFLINE:
            return self  # the offline engine's work is no provider call and costs nothing
        return replace(self, calls=self.calls + usage.calls, input_tokens=self.input_tokens + usage.input_tokens,
                       output_tokens=self.output_tokens + usage.output_tokens)


@dataclass(frozen=True)
class Version:
    number: int
    task_id: str                 # the stage 4 run that wrote it
    generated_at: datetime
    export_ref: str
    export_bytes: int
    commit_sha: str | None
    ref: str | None
    refresh_id: str | None       # the refresh that made it, if one did
    changelog: Changelog | None  # None for the first version
    cost: Cost
    modules: tuple[ModuleRef, ...] = ()
    # What it was built from: stage 1's snapshot and the documents stage 2 analysed (what the
    # course's tutor answers a reader of this version from).
    snapshot_ref: str | None = None
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleaseNotes:
    """What stage 4 writes into the export of the version it is building."""
    version: int
    commit_sha: str | None
    lines: list[str] = field(default_factory=list)
    summary: str = ""


@dataclass
class _Built:
    """What one stage 4 run was built from, as the course stood at its request."""
    task_id: str
    pathway: Pathway | None
    hashes: dict[str, str]       # document path -> content hash of the analysis it wrote from
    commit_sha: str | None
    ref: str | None
    refresh_id: str | None
    modules: dict[str, ModuleGenerated] = field(default_factory=dict)
    regenerate: frozenset[str] = frozenset()  # modules the author asked to be written anew
    edit_log: tuple[Event, ...] = ()          # the author's edits and undos up to the request
    snapshot_ref: str | None = None


class _Fold:
    """Walks a course's events once, in order, keeping what a stage 4 request builds on."""

    def __init__(self, analyses: Mapping[str, Mapping[str, str]] | None = None) -> None:
        # stage 2 task -> path -> content hash: from the DocAnalysed events met, or given (folded by
        # a reader that takes the analyses one by one, not among the events)
        self.analyses: dict[str, dict[str, str]] = {task: dict(hashes) for task, hashes in (analyses or {}).items()}
        self.analysed_task: str | None = None            # the last stage 2 run that succeeded
        self.pathways: dict[str, Pathway] = {}
        self.commit_sha: str | None = None
        self.snapshot_ref: str | None = None
        self.clone_refs: dict[str, str | None] = {}
        self.ref: str | None = None
        self.refresh_id: str | None = None
        self.runs: dict[str, _Built] = {}
        self.written: set[str] = set()  # content refs of every module announced so far
        self.versions: list[Version] = []
        self.cost = Cost()
        self.edit_log: list[Event] = []

    def apply(self, event: Event) -> None:
        p = event.payload
        if isinstance(event, RepoCloneRequested):
            self.clone_refs[p.task_id] = p.ref
        elif isinstance(event, RepoCloned):
            self.commit_sha, self.ref = p.commit_sha, self.clone_refs.get(p.task_id, p.ref)
            self.snapshot_ref = p.snapshot_ref
        elif isinstance(event, DocAnalysed):
            self.analyses.setdefault(p.task_id, {}).setdefault(p.path, p.content_hash)
            self.cost = replace(self.cost, documents_analysed=self.cost.documents_analysed + 1,
                                cache_hits=self.cost.cache_hits + int(p.cached))
        elif isinstance(event, DocsAnalysed):
            self.analysed_task = p.task_id
            self.cost = self.cost.plus(p.usage)
        elif isinstance(event, PathwaysGenerated):
            self.pathways.update({pathway.pathway_id: pathway for pathway in p.pathways})
            self.cost = self.cost.plus(p.usage)
        elif isinstance(event, CourseForked):
            self.cost = Cost()  # a fork's history begins with what it inherits: its source paid for that
        elif isinstance(event, (*EDIT_EVENTS, EditUndone)):
            self.edit_log.append(event)
        elif isinstance(event, CourseRefreshRequested):
            self.refresh_id = p.refresh_id
        elif isinstance(event, CourseRefreshEnded):
            self.refresh_id = None
        elif isinstance(event, CourseGenerationRequested):
            self.runs[p.task_id] = self.built_for(event)
        elif isinstance(event, ModuleGenerated) and p.task_id in self.runs:
            run = self.runs[p.task_id]
            if p.module_id not in run.modules:
                run.modules[p.module_id] = event
                reused = p.content_ref in self.written  # announced again from an earlier run, not written
                self.written.add(p.content_ref)
                self.cost = replace(self.cost, modules_written=self.cost.modules_written + int(not reused),
                                    modules_reused=self.cost.modules_reused + int(reused))
        elif isinstance(event, CourseGenerated) and p.task_id in self.runs:
            if any(v.task_id == p.task_id for v in self.versions):
                return  # a repeat beyond the duplicate window
            self.versions.append(self.version(self.runs[p.task_id], event))
            self.cost = Cost()

    def built_for(self, request: CourseGenerationRequested) -> _Built:
        hashes = dict(self.analyses.get(self.analysed_task or "", {}))
        return _Built(request.payload.task_id, self.pathways.get(request.payload.pathway_id), hashes,
                      self.commit_sha, self.ref, self.refresh_id, regenerate=frozenset(request.payload.regenerate),
                      edit_log=tuple(self.edit_log), snapshot_ref=self.snapshot_ref)

    def version(self, run: _Built, generated: CourseGenerated) -> Version:
        p = generated.payload
        previous = self.runs[self.versions[-1].task_id] if self.versions else None
        cost = self.cost.plus(p.usage)
        return Version(len(self.versions) + 1, run.task_id, p.generated_at or generated.occurred_at,
                       p.export_ref, p.export_bytes, run.commit_sha, run.ref, run.refresh_id,
                       changelog(previous, run) if previous else None, cost, _modules_of(run),
                       run.snapshot_ref, tuple(sorted(run.hashes)))


def course_versions(events: Iterable[Event]) -> list[Version]:
    """Every version of the course, oldest first."""
    fold = _Fold()
    for event in events:
        fold.apply(event)
    return fold.versions


def built_from_analyses(events: Iterable[Event]) -> list[str]:
    """The stage 2 runs (task ids) the stage 4 runs among `events` were built from, in order: the
    last stage 2 run that succeeded before each one's request."""
    analysed: str | None = None
    tasks: list[str] = []
    for event in events:
        if isinstance(event, DocsAnalysed):
            analysed = event.payload.task_id
        elif isinstance(event, CourseGenerationRequested) and analysed is not None and analysed not in tasks:
            tasks.append(analysed)
    return tasks


def release_notes(events: Iterable[Event], request: CourseGenerationRequested,
                  analyses: Mapping[str, Mapping[str, str]] | None = None) -> ReleaseNotes:
    """The notes of the version `request`'s run is writing: its number, its commit, and what changed
    since the last version, judged from the plan and the sources (its modules are not written yet:
    a module is "regenerated" here when its plan or a source changed). The sources' content hashes
    come from the DocAnalysed among `events`, or from `analyses` (stage 2 task -> path -> hash; at
    least those of `built_from_analyses`) for a reader that folds the analyses apart."""
    fold = _Fold(analyses)
    for event in events:
        if isinstance(event, CourseGenerationRequested) and event.payload.task_id == request.payload.task_id:
            break
        fold.apply(event)
    run = fold.built_for(request)
    if not fold.versions:
        return ReleaseNotes(1, run.commit_sha)
    previous = fold.runs[fold.versions[-1].task_id]
    notes = changelog(previous, run, planned=True)
    return ReleaseNotes(len(fold.versions) + 1, run.commit_sha, notes.lines(), notes.summary())


def changelog(before: _Built, after: _Built, planned: bool = False) -> Changelog:
    """What changed from `before` to `after`: documents by content hash, modules by module id (by the
    content they were written with, or — `planned` — by their plan and their sources' hashes)."""
    used_before, used_after = _documents(before), _documents(after)
    changed = sorted(path for path in used_after & used_before if before.hashes.get(path) != after.hashes.get(path))
    added, removed = sorted(used_after - used_before), sorted(used_before - used_after)
    old_modules = {m.module_id: m for m in before.pathway.modules} if before.pathway else {}
    regenerated, kept, new, placed = [], [], [], []
    for position, module in enumerate(after.pathway.modules if after.pathway else [], start=1):
        ref = ModuleRef(position, module.title, module.module_id)
        old = old_modules.get(module.module_id)
        if old is None:
            new.append(ref)
        elif _same_module(before, after, module.module_id, old, module, planned):
            kept.append(ref)
        else:
            regenerated.append(ref)
        placed += [Placement(path, ref) for path in module.documents if path in added]
    current = {m.module_id for m in after.pathway.modules} if after.pathway else set()
    gone = [ModuleRef(n, m.title, m.module_id) for n, m in enumerate(old_modules.values(), start=1)
            if m.module_id not in current]
    carrying = _carrying_edits(fold_edits(after.edit_log))
    under = [ref for ref in regenerated if ref.module_id in carrying]
    return Changelog(tuple(changed), tuple(added), tuple(removed), tuple(regenerated), tuple(kept),
                     tuple(new), tuple(gone), tuple(placed), _edit_lines(before, after),
                     tuple(under), tuple(ref for ref in under if ref.module_id in after.regenerate))


def _same_module(before: _Built, after: _Built, module_id: str, old, new, planned: bool) -> bool:
    if not planned:
        was, now = before.modules.get(module_id), after.modules.get(module_id)
        if module_id in after.regenerate:
            return False  # written anew as the author asked, even if it reads the same
        return was is not None and now is not None and was.payload.content_hash == now.payload.content_hash
    return (module_id not in after.regenerate and old == new
            and all(before.hashes.get(path) == after.hashes.get(path) for path in new.documents))


def _documents(run: _Built) -> set[str]:
    if run.pathway is None:
        return set()
    return {path for module in run.pathway.modules for path in module.documents}


def _modules_of(run: _Built) -> tuple[ModuleRef, ...]:
    if run.pathway is None:
        return ()
    return tuple(ModuleRef(n, m.title, m.module_id) for n, m in enumerate(run.pathway.modules, start=1))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _modules(refs: Iterable[ModuleRef]) -> str:
    positions = [str(m.position) for m in refs]
    if len(positions) == 1:
        return f"module {positions[0]}"
    return "modules " + ", ".join(positions[:-1]) + " and " + positions[-1]


def _carrying_edits(edits: list[Edit]) -> set[str]:
    """The modules whose content the author's edits (not undone) change: edited, or kept by a merge."""
    return {e.payload["module_id"] if e.kind == "edited" else e.payload["into"]
            for e in edits if e.active and e.kind in ("edited", "merged")}


def _edit_lines(before: _Built, after: _Built) -> tuple[str, ...]:
    """The author's edits and undos between the two runs' requests, one sentence each, naming the
    modules by their place and title in `after`'s plan (or `before`'s, for one gone since)."""
    refs = {m.module_id: m for run in (before, after) for m in _modules_of(run)}
    edits = {e.event_id: e for e in fold_edits(after.edit_log)}
    lines = []
    for event in after.edit_log[len(before.edit_log):]:
        if isinstance(event, EditUndone):
            edit = edits.get(event.payload.edit_event_id)
            if edit is not None:
                lines.append(f"Undone by {event.actor}: {_edit_words(edit, refs)}")
        else:
            words = _edit_words(edits[event.event_id], refs)
            lines.append(f"{words[0].upper()}{words[1:]} by {event.actor}")
    return tuple(lines)


def _edit_words(edit: Edit, refs: dict[str, ModuleRef]) -> str:
    def name(module_id: str) -> str:
        ref = refs.get(module_id)
        return f"module {ref.position} ({ref.title})" if ref else f"module {module_id}"

    return edit_words(edit, name)
