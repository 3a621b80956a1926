"""Everything a pathway variant may consult about the selected documents, computed once."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from shared.tournament import copeland_ranks

from .graph import PrerequisiteGraph, documents_by_path
from .models import PathwayDocument
from .traits import band, concept_labels, focus_score, focus_terms, folder, peer_order, taught_keys, used_keys

LARGE_CORPUS = 6  # below this many documents no variant leaves anything out
# A group of tied documents whose tournament would count more votes than this keeps its name order
# rather than cost seconds (votes: each concept a document teaches, times the documents of the group
# that say it; without this bound, 2,000 tied documents sharing one 300-word vocabulary took 48 s).
MOST_VOTES = 1_000_000
# A prerequisite stage 2 found (a link, a concept the page assumes and the other defines, read in
# the full texts) counts as this many shared concepts: stage 3 sees only titles, summaries and
# concept lists, so one such judgement weighs more than one phrase. Measured on eleven books with
# their navigation stripped (bench/order.py): 1 → mean τ 0.667, worst 0.47; 2 → 0.677, worst
# 0.47 (itsdangerous 0.38 → 0.56); 3 → 0.675, worst 0.46; none → 0.663, worst 0.38.
PREREQUISITE_VOTES = 2


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

    @classmethod
    def build(cls, documents: list[PathwayDocument], overview: str | None, additional_info: str,
              target_minutes: int) -> Corpus:
        by_path = documents_by_path(documents)
        topics = shared_topics(list(by_path.values()))
        in_order = sorted(by_path.values(), key=peer_order)
        return cls(by_path, PrerequisiteGraph.build(by_path.values()),
                   overview if overview in by_path else None, focus_terms(additional_info),
                   target_minutes, topics, tuple(dict.fromkeys(topics[d.path] for d in in_order)),
                   teaching_first(list(by_path.values())))

    @property
    def is_large(self) -> bool:
        return len(self.documents) >= LARGE_CORPUS

    def focus_of(self, document: PathwayDocument) -> int:
        return focus_score(document, self.focus)

    def topic_rank(self, document: PathwayDocument) -> int:
        return self.topic_order.index(self.topics[document.path])

    def teaching_order(self, document: PathwayDocument) -> int:
        return self.teaching_rank.get(document.path, 0)


def teaching_first(documents: list[PathwayDocument]) -> dict[str, int]:
    """Define before use, as a tournament among the documents stage 1's inferred order could not
    tell apart (no navigation lists them, same inferred rank): of two such documents, the one
    whose key concepts the other talks about more (without teaching them itself) wins, a
    prerequisite stage 2 found counting as PREREQUISITE_VOTES such concepts; a document
    ranks by its losses minus its wins, so basics that many pages build on come first. A tournament
    (Copeland's score) rather than prerequisite edges: "talks about" is too loose a relation to
    forbid an order, but over many pairs it says which pages are the foundations of the others."""
    tied: dict[int | None, list[PathwayDocument]] = defaultdict(list)
    for document in documents:
        if document.navigation_index is None:
            tied[document.inferred_index].append(document)
    rank: dict[str, int] = {}
    for group in tied.values():
        rank.update(_copeland_ranks(group))
    return rank


def _copeland_ranks(group: list[PathwayDocument]) -> dict[str, int]:
    taught = {document.path: taught_keys(document) for document in group}
    users: dict[str, list[str]] = defaultdict(list)  # concept key → the group's documents saying it
    for document in group:
        for key in used_keys(document):
            users[key].append(document.path)
    if sum(len(users.get(key, ())) for keys in taught.values() for key in keys) > MOST_VOTES:
        return {}
    votes: Counter[tuple[str, str]] = Counter()  # (teacher, user) → concepts taught by one, used by the other
    for teacher, keys in taught.items():
        for key in keys:
            for user in users.get(key, ()):
                if user != teacher and key not in taught[user]:
                    votes[teacher, user] += 1
    for document in group:
        for required in document.prerequisites:
            if required in taught and required != document.path:
                votes[required, document.path] += PREREQUISITE_VOTES
    rank = copeland_ranks(votes)
    return {document.path: rank[document.path] for document in group}


def shared_topics(documents: list[PathwayDocument]) -> dict[str, str]:
    """Each document's topic: of its concepts and topics, the one most other documents share (ties:
    the one it ranks first); a document sharing none falls back to its folder, then its band.
    Concepts are compared by concept key, so "Virtual environments" in one document and "virtual
    environment" in another are one shared topic, named (lower case) as the first document by path
    words it."""
    labels = {document.path: concept_labels(document) for document in documents}
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
