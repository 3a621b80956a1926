"""What stage 2 and stage 4 would work on if started now, for their cost estimate: the same
documents and modules the stage services take (shared/selection.py), their sizes as stage 1
reported them, and the documents the analysis cache will answer for free. Pure."""
from __future__ import annotations

from dataclasses import dataclass

from shared.events import Event
from shared.events.catalogue import DocAnalysed, DocsAnalysed, DocsAnalysisRequested, RepoCloned
from shared.llm.estimates import ModelHistory
from shared.selection import ScanResult, scan_result

from .course import CourseState
from .runs import StageConflict

# How cache hits are counted, said in every stage 2 estimate.
CACHE_RULE = ("a document counts as a cache hit when an earlier stage 2 run of this course analysed it "
              "on the same repository snapshot with the same provider, model, complexity level and "
              "wishes, and the model (not the offline fallback) answered; hits the cache may hold from "
              "other courses are not counted, and an entry past ANALYSIS_CACHE_TTL_SECONDS or written "
              "for an older prompt version is paid again")
NO_CACHE = "stage 4 keeps no result cache: every module is written, and paid for, again"


@dataclass(frozen=True)
class Stage2Work:
    sizes: list[int]   # of every document the run would analyse, in its order
    cached: int        # how many of them the analysis cache will answer


@dataclass(frozen=True)
class AnalysisSettings:
    provider: str
    model: str
    complexity_level: str
    additional_info: str


def stage2_work(state: CourseState, events: list[Event], asked: AnalysisSettings) -> Stage2Work:
    scan = _selected_scan(state, events)
    documents = scan.selected_documents()
    if not documents:
        raise StageConflict("the selected folders hold no documentation files; select other folders")
    sizes = {f.path: f.size for f in scan.files}
    hits = analysed_before(events, scan.snapshot_ref, asked) & set(documents)
    return Stage2Work([sizes[path] for path in documents], len(hits))


def _selected_scan(state: CourseState, events: list[Event]) -> ScanResult:
    clone = state.runs.get("stage1")
    if clone is None:
        raise StageConflict("stage 1 has not run: analyse the repository first (POST analyze-repository)")
    if clone.status != "SUCCESS":
        raise StageConflict(f"stage 1 is {clone.status}; stage 2 can be estimated once the repository is scanned")
    scan = scan_result(events)
    if scan is None or scan.selection is None or state.current_selection() is None:
        raise StageConflict("no folders are selected on the current scan: "
                            "POST stage1-selections before estimating stage 2")
    return scan


def analysed_before(events: list[Event], snapshot_ref: str, asked: AnalysisSettings) -> set[str]:
    """Paths an earlier stage 2 run analysed in a way the analysis cache answers again for `asked`."""
    snapshots = {e.payload.task_id: e.payload.snapshot_ref for e in events if isinstance(e, RepoCloned)}
    requests = {e.payload.task_id: e.payload for e in events if isinstance(e, DocsAnalysisRequested)}
    models: dict[str, tuple[str, str]] = {}  # stage 2 task -> (provider, model) it ran with
    for event in events:
        usage = event.payload.usage if isinstance(event, (DocAnalysed, DocsAnalysed)) else None
        if usage is not None and usage.provider != "offline":
            models.setdefault(event.payload.task_id, (usage.provider, usage.model))
    hits = set()
    for event in events:
        if not isinstance(event, DocAnalysed) or event.payload.engine != "provider":
            continue
        request = requests.get(event.payload.task_id)
        if (request is not None and snapshots.get(request.clone_task_id) == snapshot_ref
                and models.get(event.payload.task_id) == (asked.provider, asked.model)
                and request.complexity_level == asked.complexity_level
                and request.additional_info.strip() == asked.additional_info.strip()):
            hits.add(event.payload.path)
    return hits


def model_history(events: list[Event], provider: str, model: str) -> ModelHistory:
    """What the model took for this course's documents before (each DocAnalysed the model answered
    or tried to: its requests and output tokens), in any earlier stage 2 run."""
    documents = [(e.payload.usage.calls, e.payload.usage.output_tokens) for e in events
                 if isinstance(e, DocAnalysed) and not e.payload.cached and e.payload.usage is not None
                 and (e.payload.usage.provider, e.payload.usage.model) == (provider, model)
                 and e.payload.usage.calls > 0]
    return ModelHistory.of_documents(documents) if documents else ModelHistory(0, 0, 0)


def stage4_work(state: CourseState, events: list[Event]) -> list[list[int]]:
    """The sizes of each module's source documents, for the selected pathway's modules."""
    pathways = state.current_pathways()
    if not pathways:
        raise StageConflict("stage 3 has not produced pathways: generate pathways and select one first")
    if state.selected_pathway is None or state.selected_pathway not in pathways:
        raise StageConflict("no pathway is selected: POST stage3-selections with selected_pathway_id first")
    scan = scan_result(events)
    sizes = {f.path: f.size for f in scan.files} if scan is not None else {}
    return [[sizes.get(path, 0) for path in module.documents] for module in pathways[state.selected_pathway].modules]
