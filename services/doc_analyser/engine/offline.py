"""The offline engine of stage 2: a `DocumentAnalysis` of one parsed document, computed from the
document alone — deterministic, no network, no model. Each part lives in its own module:

- doc type: `doctype` (file name, headings, wording, code shape);
- complexity: `complexity` (readability, code density, vocabulary, depth; the requested level
  only breaks near-ties);
- key concepts: `keyphrases` (RAKE-like, title/headings/code-identifier boosts);
- learning objectives: `objectives` (instruction headings and sentences, noun headings, concepts;
  `additional_info` adds one practical or explanatory objective);
- summary: `summary` (extractive); assumed knowledge: `assumptions`; topics: `topics`.
"""
from __future__ import annotations

from services.doc_analyser.engine.assumptions import assumed_knowledge
from services.doc_analyser.engine.complexity import complexity_level
from services.doc_analyser.engine.definitions import definitions
from services.doc_analyser.engine.doctype import classify
from services.doc_analyser.engine.keyphrases import Candidate, key_concepts, rank_candidates
from services.doc_analyser.engine.models import DocumentAnalysis
from services.doc_analyser.engine.objectives import learning_objectives
from services.doc_analyser.engine.doc_profile import Profile, build_profile
from services.doc_analyser.engine.summary import summarise
from services.doc_analyser.engine.topics import topics
from shared.docs.builder import humanise_file_name
from shared.docs.model import ParsedDocument

MOST_KEY_CONCEPTS = 15


def analyse_document(doc: ParsedDocument, complexity_level: str,
                     additional_info: str = "") -> DocumentAnalysis:
    profile = build_profile(doc)
    sentence_texts = [sentence.text for sentence in profile.sentences]
    doc_type = classify(doc, sentence_texts)
    candidates = rank_candidates(profile)
    concepts = key_concepts(candidates, MOST_KEY_CONCEPTS)
    defined = definitions(doc, sentence_texts)
    return DocumentAnalysis(
        title=(doc.title or humanise_file_name(doc.path))[:300],
        doc_type=doc_type,
        complexity_level=_level(profile, complexity_level),
        key_concepts=concepts,
        learning_objectives=learning_objectives(profile, doc_type, _teachable(candidates, defined),
                                                additional_info),
        summary=summarise(profile, [candidate.key for candidate in candidates[:10]]),
        assumed_knowledge=assumed_knowledge(profile, [] if doc_type == "changelog" else candidates,
                                            defined),
        topics=topics(doc, candidates),
    )


def _teachable(candidates: list[Candidate], defined: dict[str, int]) -> list[str]:
    """Concepts worth an "Understand …" objective: the ones the document defines, then named
    multi-word ones; a lone common word ("durable") is not something to understand."""
    explained = [c.label for c in candidates[:MOST_KEY_CONCEPTS] if c.key in defined]
    phrases = [c.label for c in candidates[:MOST_KEY_CONCEPTS]
               if c.key not in defined and " " in c.key and (c.in_heading or c.prose_count >= 2)]
    return explained + phrases


def _level(profile: Profile, requested: str) -> str:
    return complexity_level(profile, (requested or "").strip().lower())
