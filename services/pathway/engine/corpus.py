"""Everything a pathway variant may consult about the selected documents, computed once."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


from .order.constraints import PrerequisiteGraph, documents_by_path
from .models import PathwayDocument
from .order.signals import peer_order
from .order.teaching import teaching_first
from .traits import band, focus_score, focus_terms, folder

LARGE_CORPUS = 6  # below this many documents no variant leaves anything out


@dataclass(frozen=True)
class Corpus:
    documents: dict[str, PathwayDocument]
    graph: PrerequisiteGraph
    overview: str | None
    focus: frozenset[str]
    target_minutes: int
    topics: dict[str, str] = field(default_factory=dict)  # path → the topic it is grouped under
    topic_order: tuple[str, ...] = ()  # topics by where they first appear in the peer order
    teaching_rank: dict[str, int] = field(default_factory=dict)  # path → see teaching_first
    requirers: dict[str, int] = field(default_factory=dict)  # path → documents requiring it (graph)

    @classmethod
    def build(cls, documents: list[PathwayDocument], overview: str | None, additional_info: str,
              target_minutes: int) -> Corpus:
        by_path = documents_by_path(documents)
        topics = shared_topics(list(by_path.values()))
        in_order = sorted(by_path.values(), key=peer_order)
        graph = PrerequisiteGraph.build(by_path.values())
        return cls(by_path, graph, overview if overview in by_path else None, focus_terms(additional_info),
                   target_minutes, topics, tuple(dict.fromkeys(topics[d.path] for d in in_order)),
                   teaching_first(list(by_path.values())), graph.requirer_counts())

    @property
    def is_large(self) -> bool:
        return len(self.documents) >= LARGE_CORPUS

    def focus_of(self, document: PathwayDocument) -> int:
        return focus_score(document, self.focus)

    def topic_rank(self, document: PathwayDocument) -> int:
        return self.topic_order.index(self.topics[document.path])

    def teaching_order(self, document: PathwayDocument) -> int:
        return self.teaching_rank.get(document.path, 0)

    def required_by(self, document: PathwayDocument) -> int:
        return self.requirers.get(document.path, 0)


def shared_topics(documents: list[PathwayDocument]) -> dict[str, str]:
    """Each document's topic: of its concepts and topics, the one most other documents share (ties:
    the one it ranks first); a document sharing none falls back to its folder, then its band.
    Concepts are compared by concept key, so "Virtual environments" in one document and "virtual
    environment" in another are one shared topic, named (lower case) as the first document by path
    words it."""
    labels = {document.path: document.concept_labels for document in documents}
    spread = Counter(key for found in labels.values() for key in found)
    wording: dict[str, str] = {}
    for document in sorted(documents, key=lambda d: d.path):  # one name per topic, whatever the input order
        for key, label in labels[document.path].items():
            wording.setdefault(key, label.lower())
    topics = {}
    for document in documents:
        shared = [key for key in labels[document.path] if spread[key] >= 2]
        best = max(shared, key=lambda key: spread[key], default=None)  # max keeps the first of equals
        topics[document.path] = wording[best] if best else folder(document) or band(document).lower()
    return topics
