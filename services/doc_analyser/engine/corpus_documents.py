"""What the corpus knows about each of its documents, computed from the parsed document alone:
the phrases it uses, the concepts it defines, the corpus documents it links to, its offline doc
type, and (once document frequencies are known) its TF-IDF vector."""
from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from services.doc_analyser.engine.definitions import definitions
from services.doc_analyser.engine.doctype import classify
from services.doc_analyser.engine.lexicon import normal
from services.doc_analyser.engine.profile import Profile, build_profile
from services.doc_analyser.engine.link_targets import normalise_path, resolve_link
from shared.docs.model import ParsedDocument
from shared.docs.parsing import parse
from shared.vocabulary import doc_type_table

_LONGEST_PHRASE = 4
_VECTOR_TERMS = 150
# How foundational each kind of document is: overviews first, changelogs last.
TYPE_LEVEL = doc_type_table({"overview": 0, "concept": 1, "guide": 2, "tutorial": 2, "how-to": 2,
                             "example": 3, "reference": 3, "api": 3, "other": 3, "troubleshooting": 4,
                             "faq": 4, "contributing": 5, "changelog": 5})


class Terms(tuple):
    """A document's phrase keys, sorted: `in` by binary search. A set per document would take
    four times the room, and the corpus holds one for every document."""
    __slots__ = ()

    def __contains__(self, key: object) -> bool:
        at = bisect_left(self, key)
        return at < len(self) and self[at] == key


@dataclass(frozen=True)
class CorpusDocument:
    doc: ParsedDocument
    doc_type: str                   # the offline classification, used for reading order
    terms: Terms                    # concept keys of every 1–4-word phrase the document uses
    defines: dict[str, int]         # concept key → strength of its definition here
    links: tuple[str, ...]          # corpus paths it links to, in order, itself excluded
    vector: dict[str, float]        # unit-length TF-IDF over single words


def document_terms(profile: Profile) -> tuple[frozenset[str], Counter]:
    """(keys of every phrase of up to four words, word counts with headings counted twice)."""
    terms: set[str] = set()
    counts: Counter = Counter()
    headings = [profile.title_runs] + [runs for _, runs in profile.heading_runs]
    for weight, runs in [(2, runs) for runs in headings] + [(1, s.runs) for s in profile.sentences]:
        for run in runs:
            keys = list(map(normal, run))
            counts.update(keys * weight)
            for size in range(1, min(_LONGEST_PHRASE, len(keys)) + 1):
                terms.update(" ".join(keys[i:i + size]) for i in range(len(keys) - size + 1))
    return frozenset(terms), counts


@dataclass(frozen=True)
class DocumentIndex:
    """What the corpus keeps of one document that depends on that document alone: stage 2 computes
    it as each document comes from the parser (services/doc_analyser/document_feed.py), so the
    corpus is ready soon after the last document is parsed."""
    doc_type: str
    terms: frozenset[str]
    defines: dict[str, int]
    counts: dict[str, int]


def index_document(doc: ParsedDocument) -> DocumentIndex:
    profile = build_profile(doc)
    prose = [s.text for s in profile.sentences]
    terms, counts = document_terms(profile)
    return DocumentIndex(classify(doc, prose), terms, definitions(doc, prose), dict(counts))


def parse_and_index(path: str, text: str, includes: dict[str, str] | None = None,
                    ) -> tuple[ParsedDocument, DocumentIndex]:
    """A parser child's function (shared/docs/parse_worker.py) that indexes in the child too: the
    parsed document and its index. Measured on a busy 2-core machine, indexing in the service's
    thread finished sooner (a child waits for the service between documents), so stage 2 parses
    with the plain parser; tests use this one."""
    parsed = parse(path, text, includes)
    return parsed, index_document(parsed)


def build_documents(docs: list[ParsedDocument], indexes: dict[str, DocumentIndex] | None = None,
                    ) -> tuple[dict[str, CorpusDocument], Counter]:
    """Each document is indexed once (unless `indexes`, by the document's path, already holds it)
    and only what the corpus keeps of it survives the loop: a 2,000-document corpus must not hold
    every document's sentences at once."""
    parsed: dict[str, tuple] = {}
    frequency: Counter = Counter()
    # One string per distinct phrase for the whole corpus (most phrases recur across documents).
    shared: dict[str, str] = {}
    for doc in docs:
        path = normalise_path(doc.path)
        if path and path not in parsed:
            index = (indexes or {}).get(doc.path) or index_document(doc)
            frequency.update(index.terms)
            terms = Terms(sorted(shared.setdefault(term, term) for term in index.terms))
            counts = {shared[word]: count for word, count in index.counts.items()}
            parsed[path] = (doc, index.doc_type, terms, index.defines, counts)
    del shared
    paths = frozenset(parsed)
    folded = {path.lower(): path for path in sorted(paths, reverse=True)}
    documents = {}
    for path, (doc, doc_type, terms, defines, counts) in parsed.items():
        links = _resolved_links(path, doc, paths, folded)
        documents[path] = CorpusDocument(doc, doc_type, terms, defines, links,
                                         _vector(counts, frequency, len(parsed)))
    return documents, frequency


def _resolved_links(path: str, doc: ParsedDocument, paths: frozenset[str], folded: dict) -> tuple:
    found: list[str] = []
    for link in doc.links:
        target = resolve_link(path, link.target, paths, folded)
        if target and target != path and target not in found:
            found.append(target)
    return tuple(found)


def _vector(counts: dict[str, int], frequency: Counter, size: int) -> dict[str, float]:
    weights = {word: (1 + math.log(count)) * (math.log((1 + size) / (1 + frequency[word])) + 1)
               for word, count in counts.items()}
    kept = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:_VECTOR_TERMS]
    norm = math.sqrt(sum(weight * weight for _, weight in kept)) or 1.0
    return {word: weight / norm for word, weight in kept}


def cosine(left: dict[str, float], right: dict[str, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(weight * right.get(word, 0.0) for word, weight in left.items())
