"""What a stage 4 run writes from, rebuilt from the course's events. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from shared.course_edits import Edit, fold_edits
from shared.course_versions import ReleaseNotes, built_from_analyses, release_notes
from shared.events import Event
from shared.events.catalogue import (
    CATALOGUE, CourseCreated, CourseForked, CourseGenerationRequested, CourseUpdated, DocAnalysed, ModuleGenerated,
    Pathway, PathwaysGenerated, StageProgressed,
)
from shared.selection import ScanResult, scan_result
from shared.stage.runs import fold_runs


# What a run reads of the course's history at once: all of it but the runs' progress steps, which
# nothing here folds and of which stage 2 writes one per document (20,000 documents: 16 MB of JSON),
# and the analyses, read one by one and folded into what is written from them (`write_inputs`).
WRITE_HISTORY: tuple[type[Event], ...] = tuple(
    cls for cls in CATALOGUE
    if cls.SUBJECT_ROOT == Event.SUBJECT_ROOT and cls not in (StageProgressed, DocAnalysed))


@dataclass(frozen=True, slots=True)
class SourceAnalysis:
    """What stage 4 writes from of stage 2's analysis of a document (its DocAnalysed), kept for
    every document of the run's pathway: not the event's envelope, usage and the fields only stage 3
    reads."""
    title: str
    doc_type: str
    key_concepts: tuple[str, ...]
    learning_objectives: tuple[str, ...]
    summary: str
    prerequisite_concepts: tuple[str, ...]
    content_hash: str

    @classmethod
    def of(cls, event: DocAnalysed) -> "SourceAnalysis":
        p = event.payload
        return cls(p.title, p.doc_type, tuple(p.key_concepts), tuple(p.learning_objectives), p.summary,
                   tuple(p.prerequisite_concepts), p.content_hash)


@dataclass(frozen=True)
class WriteInputs:
    title: str
    description: str
    pathway: Pathway | None
    scan: ScanResult | None
    analyses: dict[str, SourceAnalysis]
    done: dict[str, ModuleGenerated] = field(default_factory=dict)  # written by an earlier delivery
    # Written by the runs this one retries, of the same pathway (one stopped by its budget, say):
    # read back and announced for this run instead of paid for again.
    earlier: dict[str, ModuleGenerated] = field(default_factory=dict)
    # Written by the run named in `reuse_from` (a refresh's previous version) for a module whose plan
    # and source documents are unchanged since: announced again as they were, not written again.
    reusable: dict[str, ModuleGenerated] = field(default_factory=dict)
    # The version this run builds (its number, commit and changelog), written into the export.
    release: ReleaseNotes | None = None
    # The author's edits up to the request: the export presents the course with them on top.
    edits: list[Edit] = field(default_factory=list)
    # The course's language as asked (BCP 47); None: its sources'.
    language: str | None = None


def write_inputs(events: list[Event], request: CourseGenerationRequested,
                 analyses: Iterable[DocAnalysed]) -> WriteInputs:
    """What the run writes from: `events` (WRITE_HISTORY's) and the course's `analyses`, folded one
    by one without keeping any: the current analysis of each document of the pathway, and the
    content hashes of the analyses an earlier run was written from (the run it may reuse modules
    of, the versions its release notes compare)."""
    inputs = _fold(events, request)
    then = _reused_run(events, request)
    current = _analysis_task(events)
    compared = {task for task in (then.analysis_task if then else None, *built_from_analyses(events)) if task}
    # The run writes from its pathway's documents only: a pathway over a part of a large course does
    # not keep what stage 2 said of every other document.
    cited = {path for module in inputs.pathway.modules for path in module.documents} if inputs.pathway else set()
    sources: dict[str, SourceAnalysis] = {}
    hashes: dict[str, dict[str, str]] = {task: {} for task in compared}
    for event in analyses:
        p = event.payload
        # A repeat beyond the duplicate window adds nothing.
        if p.task_id == current and p.path in cited and p.path not in sources:
            sources[p.path] = SourceAnalysis.of(event)
        if p.task_id in hashes:
            hashes[p.task_id].setdefault(p.path, p.content_hash)
    inputs = replace(inputs, analyses=sources)
    reusable = _reusable(events, request, inputs, then, hashes.get(then.analysis_task or "", {}) if then else {})
    return replace(inputs, reusable=reusable, release=release_notes(events, request, hashes),
                   edits=fold_edits(_up_to(events, request)))


def _up_to(events: list[Event], request: CourseGenerationRequested) -> list[Event]:
    """The history as it stood at the request: a redelivery folds the same edits, whatever came since."""
    at = next((n for n, e in enumerate(events) if e.event_id == request.event_id), len(events) - 1)
    return events[:at + 1]


def _analysis_task(events: list[Event]) -> str | None:
    """The course's stage 2 run as of the end of `events`: the analyses a run writes from."""
    runs = fold_runs(events)
    return runs["stage2"].task_id if "stage2" in runs else None


def _fold(events: list[Event], request: CourseGenerationRequested) -> WriteInputs:
    title, description = "", ""
    language: str | None = None
    pathway = None
    done: dict[str, ModuleGenerated] = {}
    earlier: dict[str, ModuleGenerated] = {}
    retried = _retried_runs(events, request)
    for event in events:
        if isinstance(event, (CourseCreated, CourseForked, CourseUpdated)):  # a fork's title is its own
            title = event.payload.title or title
            description = event.payload.description if event.payload.description is not None else description
            # A created or forked course starts with its own language (a fork's: none, its sources').
            language = (event.payload.language or language) if isinstance(event, CourseUpdated) else getattr(
                event.payload, "language", None)
        elif isinstance(event, PathwaysGenerated):
            pathway = next((p for p in event.payload.pathways if p.pathway_id == request.payload.pathway_id),
                           pathway)
        elif isinstance(event, ModuleGenerated) and event.payload.task_id == request.payload.task_id:
            done.setdefault(event.payload.module_id, event)
        elif isinstance(event, ModuleGenerated) and event.payload.task_id in retried:
            earlier[event.payload.module_id] = event  # the latest run's copy
    return WriteInputs(title, description, pathway, scan_result(events), {}, done, earlier, language=language)


def _retried_runs(events: list[Event], request: CourseGenerationRequested) -> set[str]:
    """The task ids of the runs `request` retries, one after another, while they wrote the same pathway."""
    requests = {e.payload.task_id: e for e in events if isinstance(e, CourseGenerationRequested)}
    chain, task = set(), request.payload.retry_of
    while task in requests and task not in chain and requests[task].payload.pathway_id == request.payload.pathway_id:
        chain.add(task)
        task = requests[task].payload.retry_of
    return chain


@dataclass(frozen=True)
class _ReusedRun:
    """The run named in a request's `reuse_from`, as it stood at its own request."""
    task_id: str
    at: int  # its request's place in the history
    pathway: Pathway | None
    analysis_task: str | None


def _reused_run(events: list[Event], request: CourseGenerationRequested) -> _ReusedRun | None:
    source = request.payload.reuse_from
    if source is None or source == request.payload.task_id:
        return None
    at = next((n for n, e in enumerate(events)
               if isinstance(e, CourseGenerationRequested) and e.payload.task_id == source), None)
    if at is None:
        return None  # not a run of this course: nothing to reuse, nothing to fail for
    # What that run wrote from is what it folded when it was requested: the history up to its request.
    then = events[:at + 1]
    return _ReusedRun(source, at, _fold(then, events[at]).pathway, _analysis_task(then))


def _reusable(events: list[Event], request: CourseGenerationRequested, inputs: WriteInputs,
              then: _ReusedRun | None, hashes_then: Mapping[str, str]) -> dict[str, ModuleGenerated]:
    """The modules the run `reuse_from` wrote that this run would write the same: the module's plan
    (every field stage 3 gave it) and its documents' contents are what they were then. The course's
    title is not compared: a renamed course does not make a module different. A module the request
    names in `regenerate` is written anew whatever it could reuse."""
    if then is None or then.pathway is None or inputs.pathway is None:
        return {}
    planned_then = {m.module_id: m for m in then.pathway.modules}
    written_then: dict[str, ModuleGenerated] = {}
    for event in events[then.at + 1:]:
        if isinstance(event, ModuleGenerated) and event.payload.task_id == then.task_id:
            written_then.setdefault(event.payload.module_id, event)
    anew = set(request.payload.regenerate)
    return {module.module_id: written_then[module.module_id] for module in inputs.pathway.modules
            if module.module_id in written_then and module.module_id not in anew
            and planned_then.get(module.module_id) == module
            and _same_sources(module.documents, hashes_then, inputs.analyses)}


def _same_sources(paths: list[str], then: Mapping[str, str], now: Mapping[str, SourceAnalysis]) -> bool:
    """Every document was analysed in both runs with the same content (its bytes and what it includes)."""
    return all(path in then and path in now and then[path] == now[path].content_hash for path in paths)
