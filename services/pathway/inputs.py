"""What a stage 3 run plans from, rebuilt from the course's events. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from shared.asked_language import asked_language
from shared.events import Event
from shared.events.catalogue import (
    CourseUpdated, DocAnalysed, FoldersSelected, Pathway, PathwaysGenerated, PathwaysRequested, RepoFilesDiscovered,
)
from shared.selection import scan_result
from shared.stage.emitter import LIFECYCLE
from .engine.models import PathwayDocument

# The events a run plans from, besides the analyses (read one by one: `plan_inputs`): whether it is
# current (LIFECYCLE: the requests and results, which hold the earlier plans too), the course's
# language, stage 1's scan and selection. Not the progress steps nor the modules, which a course's
# history is mostly made of.
PLAN_HISTORY: tuple[type[Event], ...] = (*LIFECYCLE, CourseUpdated, RepoFilesDiscovered, FoldersSelected)


@dataclass(frozen=True)
class EarlierPathway:
    """The pathway a refresh asks to carry forward, as it was last announced."""
    pathway: Pathway
    analysed: frozenset[str] | None  # the documents analysed when it was planned; None: unknown


@dataclass(frozen=True)
class PlanInputs:
    documents: list[PathwayDocument]
    overview: str | None
    repo_name: str
    earlier: EarlierPathway | None = None  # the request's adapt_pathway_id, when the course has it
    navigation_source: str | None = None  # the one file the navigation order was read from, if one
    language: str | None = None  # the course's as asked; None: its sources'


def plan_inputs(events: list[Event], request: PathwaysRequested, analyses: Iterable[DocAnalysed]) -> PlanInputs:
    """What the run plans from: `events` (PLAN_HISTORY's) and the course's `analyses`, folded one
    by one into the documents planned from (20,000 analyses are 190 MB as events, 24 MB as
    documents), without keeping any."""
    scan = scan_result(events)
    navigation = {path: i for i, path in enumerate(scan.navigation())} if scan else {}
    inferred = {f.path: f.inferred_index for f in scan.files} if scan else {}
    sections = {f.path: f.navigation_section for f in scan.files if f.navigation_section} if scan else {}
    overview = scan.selection.payload.overview_document if scan and scan.selection else None
    adapt = request.payload.adapt_pathway_id
    earlier = _earlier_plan(events, adapt) if adapt else None
    documents: dict[str, PathwayDocument] = {}
    earlier_analysed: set[str] = set()
    for event in analyses:
        p = event.payload
        if p.task_id == request.payload.analysis_task_id and p.path not in documents:
            # a repeat beyond the duplicate window adds nothing
            documents[p.path] = _document(event, navigation.get(p.path), inferred.get(p.path), sections.get(p.path))
        if earlier is not None and earlier.analysis_task is not None and p.task_id == earlier.analysis_task:
            earlier_analysed.add(p.path)
    planned = sorted(documents.values(), key=lambda d: (d.navigation_index is None, d.navigation_index or 0, d.path))
    sources = scan.cloned.payload.navigation_sources if scan else []
    return PlanInputs(planned, overview if overview in documents else None,
                      scan.cloned.payload.repo_name if scan else "",
                      EarlierPathway(earlier.pathway, frozenset(earlier_analysed) or None) if earlier else None,
                      sources[0] if len(sources) == 1 else None, asked_language(events, request.event_id))


@dataclass(frozen=True)
class _EarlierPlan:
    pathway: Pathway
    analysis_task: str | None  # the analysis its run planned from; None: unknown


def _earlier_plan(events: list[Event], pathway_id: str) -> _EarlierPlan | None:
    """The pathway `pathway_id` as the course's last `PathwaysGenerated` holding it announced it
    (an earlier refresh announces an adapted pathway under its old id, and that one is current),
    with the analysis its run planned from."""
    found: tuple[str, Pathway] | None = None
    for event in events:
        if isinstance(event, PathwaysGenerated):
            for pathway in event.payload.pathways:
                if pathway.pathway_id == pathway_id:
                    found = (event.payload.task_id, pathway)
    if found is None:
        return None
    plan_task, pathway = found
    analysis_task = next((e.payload.analysis_task_id for e in events
                          if isinstance(e, PathwaysRequested) and e.payload.task_id == plan_task), None)
    return _EarlierPlan(pathway, analysis_task or None)


def _document(event: DocAnalysed, navigation_index: int | None, inferred_index: int | None,
              navigation_section: str | None) -> PathwayDocument:
    p = event.payload
    return PathwayDocument(
        path=p.path, title=p.title, doc_type=p.doc_type if p.doc_type else "other",
        complexity_level=p.complexity_level, key_concepts=p.key_concepts,
        learning_objectives=p.learning_objectives, summary=p.summary, prerequisites=p.prerequisites,
        prerequisite_concepts=p.prerequisite_concepts, related_documents=p.related_documents,
        related_topics=p.related_topics, word_count=p.word_count, reading_minutes=max(1, p.reading_minutes),
        navigation_index=navigation_index, inferred_index=None if navigation_index is not None else inferred_index,
        navigation_section=navigation_section if navigation_index is not None else None)
