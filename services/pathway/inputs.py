"""What a stage 3 run plans from, rebuilt from the course's events. Pure."""
from __future__ import annotations

from dataclasses import dataclass

from shared.events import Event
from shared.events.catalogue import DocAnalysed, PathwaysRequested
from .engine.models import PathwayDocument
from shared.selection import scan_result


@dataclass(frozen=True)
class PlanInputs:
    documents: list[PathwayDocument]
    overview: str | None
    repo_name: str


def plan_inputs(events: list[Event], request: PathwaysRequested) -> PlanInputs:
    scan = scan_result(events)
    navigation = {path: i for i, path in enumerate(scan.navigation())} if scan else {}
    inferred = {f.path: f.inferred_index for f in scan.files} if scan else {}
    overview = scan.selection.payload.overview_document if scan and scan.selection else None
    analysed: dict[str, DocAnalysed] = {}
    for event in events:
        if isinstance(event, DocAnalysed) and event.payload.task_id == request.payload.analysis_task_id:
            analysed.setdefault(event.payload.path, event)  # a repeat beyond the duplicate window adds nothing
    documents = [_document(e, navigation.get(path), inferred.get(path)) for path, e in analysed.items()]
    documents.sort(key=lambda d: (d.navigation_index is None, d.navigation_index or 0, d.path))
    return PlanInputs(documents, overview if overview in analysed else None,
                      scan.cloned.payload.repo_name if scan else "")


def _document(event: DocAnalysed, navigation_index: int | None, inferred_index: int | None) -> PathwayDocument:
    p = event.payload
    return PathwayDocument(
        path=p.path, title=p.title, doc_type=p.doc_type if p.doc_type else "other",
        complexity_level=p.complexity_level, key_concepts=p.key_concepts,
        learning_objectives=p.learning_objectives, summary=p.summary, prerequisites=p.prerequisites,
        prerequisite_concepts=p.prerequisite_concepts, related_documents=p.related_documents,
        related_topics=p.related_topics, word_count=p.word_count, reading_minutes=max(1, p.reading_minutes),
        navigation_index=navigation_index, inferred_index=None if navigation_index is not None else inferred_index)
