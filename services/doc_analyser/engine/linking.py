"""The corpus-level step of stage 2, after each document's own analysis and without any provider:
key concepts re-ranked against the corpus, prerequisites, related documents and reading time.

- key concepts: the analysis' candidates weighted by rank and corpus IDF; a concept used by 60% or
  more of the documents (the project's name, "installation") is dropped unless this document
  defines it. Corpora of one or two documents keep the analysis' ranking.
- prerequisites: other documents to read first — those this one links to (before its closing part:
  a link there sends the reader on, corpus_documents.split_by_position) and those that define
  a concept it assumes (or uses as a key concept without defining it; concepts in most documents
  excepted, and only from documents with some similarity) — kept only when they come earlier in
  the corpus' reading order (navigation, then foundational kind — the corpus' own offline
  classification, so the order never depends on which analyses exist yet). Being a strict order,
  it rules out 2-cycles (and longer ones): of two documents that would require each other only the
  earlier one is the prerequisite. At most five, foundational first.
- related documents: the most similar documents by TF-IDF cosine (≥ 0.1), top 3, excluding the
  document's prerequisites — those are already listed, and "related" is meant as "see also".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from services.doc_analyser.engine.corpus import Corpus
from services.doc_analyser.engine.definitions import HEADING_DEFINITION, SENTENCE_DEFINITION
from services.doc_analyser.engine.lexicon import IGNORED, concept_key
from shared.concepts import distinct
from services.doc_analyser.engine.link_targets import normalise_path
from services.doc_analyser.engine.models import DocumentAnalysis

__all__ = ["Corpus", "LinkedAnalysis", "link", "link_one"]

MOST_KEY_CONCEPTS, MOST_PREREQUISITES, MOST_RELATED, MOST_RELATED_TOPICS = 8, 5, 3, 6
MOST_PREREQUISITE_CONCEPTS = 10
UBIQUITOUS_SHARE = 0.6
RELATED_THRESHOLD = 0.1
DEFINER_SIMILARITY = 0.05


@dataclass
class LinkedAnalysis:
    path: str
    title: str
    doc_type: str
    complexity_level: str
    key_concepts: list[str] = field(default_factory=list)
    learning_objectives: list[str] = field(default_factory=list)
    summary: str = ""
    prerequisites: list[str] = field(default_factory=list)
    prerequisite_concepts: list[str] = field(default_factory=list)
    related_documents: list[str] = field(default_factory=list)
    related_topics: list[str] = field(default_factory=list)
    word_count: int = 0
    reading_minutes: int = 1


def link(analyses: dict[str, DocumentAnalysis], corpus: Corpus,
         navigation: list[str] | None = None) -> dict[str, LinkedAnalysis]:
    return {path: link_one(path, analysis, corpus, navigation) for path, analysis in analyses.items()}


def link_one(path: str, analysis: DocumentAnalysis, corpus: Corpus,
             navigation: list[str] | None = None) -> LinkedAnalysis:
    """One document's linked analysis; uses the corpus and this analysis only. `path` is
    returned as given; corpus paths are compared in normalised form ("./docs/a.md" = "docs/a.md")."""
    given, path = path, normalise_path(path)
    entry = corpus.document(path)
    prerequisites = _prerequisites(path, analysis, corpus, navigation)
    # Prerequisites are not "see also": enough of the most similar to drop them and keep three.
    related = [other for other, score in corpus.similar(path, MOST_RELATED + MOST_PREREQUISITES)
               if score >= RELATED_THRESHOLD and other not in prerequisites][:MOST_RELATED]
    return LinkedAnalysis(
        path=given, title=analysis.title, doc_type=analysis.doc_type,
        complexity_level=analysis.complexity_level,
        key_concepts=corpus_key_concepts(path, analysis.key_concepts, corpus),
        learning_objectives=list(analysis.learning_objectives), summary=analysis.summary,
        prerequisites=prerequisites, prerequisite_concepts=_clean_concepts(analysis.assumed_knowledge),
        related_documents=related, related_topics=_related_topics(analysis, related, corpus),
        word_count=entry.word_count if entry else 0, reading_minutes=entry.reading_minutes if entry else 1)


def corpus_key_concepts(path: str, concepts: list[str], corpus: Corpus) -> list[str]:
    if corpus.size <= 2:
        return distinct(concepts)[:MOST_KEY_CONCEPTS]
    scored = []
    for rank, concept in enumerate(distinct(concepts)):
        frequency = corpus.document_frequency(concept)
        if _ubiquitous(corpus, concept) and not _defines(corpus, path, concept):
            continue  # in most documents: it characterises the project, not this document
        rarity = math.log((corpus.size + 1) / (frequency + 1)) / math.log(corpus.size + 1)
        scored.append(((0.3 + 0.7 * rarity) / (1 + 0.2 * rank), -rank, concept))
    return [concept for *_, concept in sorted(scored, reverse=True)][:MOST_KEY_CONCEPTS]


def _prerequisites(path: str, analysis: DocumentAnalysis, corpus: Corpus,
                   navigation: list[str] | None) -> list[str]:
    order = corpus.reading_order(navigation)
    entry = corpus.document(path)
    if entry is None:
        return []
    def earlier(other: str) -> bool:
        return other != path and order.get(other, 10**9) < order[path]

    def eligible(other: str) -> bool:
        # A definition elsewhere counts only from a document on the same subject: a generic
        # word ("output") is defined somewhere in any large corpus.
        return earlier(other) and corpus.similarity(path, other) >= DEFINER_SIMILARITY

    found = {other for other in entry.links if earlier(other)}
    for concept in analysis.assumed_knowledge:
        found.update(_definer(path, concept, corpus, HEADING_DEFINITION, eligible, order))
    for concept in analysis.key_concepts[:MOST_KEY_CONCEPTS]:
        if not _defines(corpus, path, concept):
            found.update(_definer(path, concept, corpus, SENTENCE_DEFINITION, eligible, order))
    return sorted(found, key=lambda other: order[other])[:MOST_PREREQUISITES]


def _definer(path: str, concept: str, corpus: Corpus, weakest: int,
             eligible: Callable[[str], bool], order: dict[str, int]) -> list[str]:
    """The eligible document that best defines the concept (or, for "billing consumer group",
    its head phrase "consumer group"): strongest definition, then earliest in reading order.
    None when this document defines it itself. A concept most documents use (the project's
    name) would make its definer a prerequisite of everything: it is left to the reading order."""
    if _ubiquitous(corpus, concept):
        return []
    words = concept_key(concept).split(" ")
    for start in range(len(words) - (2 if len(words) > 1 else 1) + 1):
        phrase = " ".join(words[start:])
        if _defines(corpus, path, phrase, weakest):
            return []
        definers = [(other, strength) for other, strength in corpus.definers(phrase)
                    if strength >= weakest and eligible(other)]
        if definers:
            return [min(definers, key=lambda item: (-item[1], order[item[0]]))[0]]
    return []


def _ubiquitous(corpus: Corpus, concept: str) -> bool:
    return corpus.size > 2 and corpus.document_frequency(concept) / corpus.size >= UBIQUITOUS_SHARE


def _defines(corpus: Corpus, path: str, concept: str, weakest: int = 0) -> bool:
    entry = corpus.document(path)
    return entry is not None and entry.defines.get(concept_key(concept), -1) >= weakest


def _related_topics(analysis: DocumentAnalysis, related: list[str], corpus: Corpus) -> list[str]:
    """This document's concepts that its related documents use too (not the ubiquitous ones)."""
    others = [entry.terms.load() for entry in map(corpus.document, related) if entry is not None]
    found: list[str] = []
    for concept in distinct(analysis.key_concepts + analysis.topics):
        key = concept_key(concept)
        if not key or _ubiquitous(corpus, concept):
            continue
        if any(key in terms for terms in others):
            found.append(concept)
    return found[:MOST_RELATED_TOPICS]


def _clean_concepts(concepts: list[str]) -> list[str]:
    cleaned = [" ".join(concept.split()).strip(" .,;:-") for concept in concepts]
    return [c for c in distinct(cleaned) if len(c) <= 80 and concept_key(c) not in IGNORED][
        :MOST_PREREQUISITE_CONCEPTS]
