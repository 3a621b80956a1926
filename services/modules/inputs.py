"""What a stage 4 run writes from, rebuilt from the course's events. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseGenerationRequested, CourseUpdated, DocAnalysed, ModuleGenerated, Pathway,
    PathwaysGenerated,
)
from shared.selection import ScanResult, scan_result
from shared.stage.runs import fold_runs


@dataclass(frozen=True)
class WriteInputs:
    title: str
    description: str
    pathway: Pathway | None
    scan: ScanResult | None
    analyses: dict[str, DocAnalysed]
    done: dict[str, ModuleGenerated] = field(default_factory=dict)  # written by an earlier delivery
    # Written by the runs this one retries, of the same pathway (one stopped by its budget, say):
    # read back and announced for this run instead of paid for again.
    earlier: dict[str, ModuleGenerated] = field(default_factory=dict)


def write_inputs(events: list[Event], request: CourseGenerationRequested) -> WriteInputs:
    title, description = "", ""
    pathway = None
    runs = fold_runs(events)
    analysis_task = runs["stage2"].task_id if "stage2" in runs else None
    analyses: dict[str, DocAnalysed] = {}
    done: dict[str, ModuleGenerated] = {}
    earlier: dict[str, ModuleGenerated] = {}
    retried = _retried_runs(events, request)
    for event in events:
        if isinstance(event, (CourseCreated, CourseUpdated)):
            title = event.payload.title or title
            description = event.payload.description if event.payload.description is not None else description
        elif isinstance(event, PathwaysGenerated):
            pathway = next((p for p in event.payload.pathways if p.pathway_id == request.payload.pathway_id),
                           pathway)
        elif isinstance(event, DocAnalysed) and event.payload.task_id == analysis_task:
            analyses.setdefault(event.payload.path, event)
        elif isinstance(event, ModuleGenerated) and event.payload.task_id == request.payload.task_id:
            done.setdefault(event.payload.module_id, event)
        elif isinstance(event, ModuleGenerated) and event.payload.task_id in retried:
            earlier[event.payload.module_id] = event  # the latest run's copy
    return WriteInputs(title, description, pathway, scan_result(events), analyses, done, earlier)


def _retried_runs(events: list[Event], request: CourseGenerationRequested) -> set[str]:
    """The task ids of the runs `request` retries, one after another, while they wrote the same pathway."""
    requests = {e.payload.task_id: e for e in events if isinstance(e, CourseGenerationRequested)}
    chain, task = set(), request.payload.retry_of
    while task in requests and task not in chain and requests[task].payload.pathway_id == request.payload.pathway_id:
        chain.add(task)
        task = requests[task].payload.retry_of
    return chain
