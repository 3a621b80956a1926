"""Broader topics of a document: words shared by several of its key concepts (a cluster:
"consumer group", "consumer lag" → "consumer"), then the concepts named by its main headings,
then its best key concepts, at most six."""
from __future__ import annotations

from collections import Counter

from services.doc_analyser.engine.definitions import defined_by_heading
from services.doc_analyser.engine.keyphrases import Candidate
from services.doc_analyser.engine.lexicon import IGNORED, concept_key
from shared.docs.model import ParsedDocument

MOST_TOPICS = 6


def topics(doc: ParsedDocument, candidates: list[Candidate]) -> list[str]:
    labels = {candidate.key: candidate.label for candidate in candidates}
    top = candidates[:15]
    shared_words = Counter(word for candidate in top for word in set(candidate.key.split(" "))
                           if " " in candidate.key and word not in IGNORED and len(word) > 2)
    found: list[str] = []
    for word, count in sorted(shared_words.items(), key=lambda item: (-item[1], item[0])):
        if count >= 2:
            _add(found, labels.get(word, word))
    for heading in doc.headings:
        if heading.level <= 2 and heading.text != doc.title:
            key = defined_by_heading(heading.text)
            if key:
                _add(found, labels.get(key, heading.text))
    for candidate in top:
        _add(found, candidate.label)
    return found[:MOST_TOPICS]


def _add(found: list[str], label: str) -> None:
    key = concept_key(label)
    if key and key not in IGNORED and all(concept_key(existing) != key for existing in found):
        found.append(label)
