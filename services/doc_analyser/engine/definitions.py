"""Which concepts a document explains.

A concept is *defined* by a sentence that says what it is ("A broker is a server process…",
"Replication means…", "the position … is called its offset") or a short noun-phrase heading
("## Consumer groups", "## What is a broker?"). The subject is the run of content words just
before the verb, so "In Fluxmq, a topic is a named stream" defines "topic"."""
from __future__ import annotations

from services.doc_analyser.engine.lexicon import (IGNORED, concept_key, content_runs,
                                     looks_like_instructions_to_a_model, words)
from services.doc_analyser.engine.stopwords import IMPERATIVE_VERBS
from shared import linear_regex
from shared.docs.model import ParsedDocument

_COPULA = linear_regex.compile(r"\s(?:is|are)\s+(?:an?|the|one|what|used|responsible|called|defined|"
                               r"basically|simply|essentially)\b", linear_regex.IGNORECASE)
_DEFINING_VERB = linear_regex.compile(r"\s(?:refers? to|means|stands for|is defined as|is short for|"
                                      r"denotes|describes a)\b", linear_regex.IGNORECASE)
_CALLED = linear_regex.compile(r"\b(?:is|are) (?:called|known as|named|termed)\s+(?:an?\s+|the\s+|its\s+)?"
                               r"([\w'-]+(?:\s+[\w'-]+){0,2})", linear_regex.IGNORECASE)
_GLOSSARY = linear_regex.compile(r"^([A-Z][\w .'/-]{0,40}?)\s*(?::|—|–| - )\s+\S")
_QUESTION_HEADING = linear_regex.compile(r"^(?:what (?:is|are)|about|understanding|introducing|why)\s+",
                                         linear_regex.IGNORECASE)
_LONGEST_SUBJECT_WORDS = 8
# Cheap substring tests that every defining sentence passes (most sentences do not).
_CUES = (" is ", " are ", "refer", " mean", "stands for", "denote", "describes a", " called ",
         "known as", " named ", " termed ")

SENTENCE_DEFINITION, HEADING_DEFINITION, TITLE_DEFINITION = 3, 2, 1


def defined_in_sentence(sentence: str) -> list[str]:
    """Concept keys a sentence defines (usually none)."""
    lowered = sentence.lower()
    if not any(cue in lowered for cue in _CUES) and not _GLOSSARY.match(sentence):
        return []
    if looks_like_instructions_to_a_model(sentence):
        return []
    found: list[str] = []
    for pattern in (_COPULA, _DEFINING_VERB):
        match = pattern.search(sentence)
        if match and len(words(sentence[:match.start()])) <= _LONGEST_SUBJECT_WORDS:
            runs = content_runs(sentence[:match.start()] + " .")
            if runs and _ends_at(sentence[:match.start()], runs[-1]):
                found.append(concept_key(" ".join(runs[-1])))
            break
    called = _CALLED.search(sentence)
    if called:
        found.extend(concept_key(" ".join(run)) for run in content_runs(called.group(1))[:1])
    glossary = _GLOSSARY.match(sentence)
    if glossary and not found:
        found.append(concept_key(glossary.group(1)))
    return [key for key in found if key and key not in IGNORED]


def defined_by_heading(text: str) -> str:
    """The concept a heading names when it is a short noun phrase, else ""."""
    text = _QUESTION_HEADING.sub("", text.strip().rstrip("?").strip())
    heading_words = words(text)
    if not heading_words or len(heading_words) > 4 or heading_words[0].lower() in IMPERATIVE_VERBS:
        return ""
    runs = content_runs(text)
    if len(runs) == 1 and len(runs[0]) >= len(heading_words) - 2:
        return concept_key(" ".join(runs[0]))
    # "Topics and partitions": two concepts joined by "and" — the heading names the first one.
    return concept_key(" ".join(runs[0])) if runs and " and " in text.lower() else ""


def definitions(doc: ParsedDocument, sentence_texts: list[str]) -> dict[str, int]:
    """Concept key → strongest kind of definition in the document (see the constants)."""
    found: dict[str, int] = {}

    def note(key: str, strength: int) -> None:
        if key and found.get(key, 0) < strength:
            found[key] = strength

    note(defined_by_heading(doc.title), TITLE_DEFINITION)
    for heading in doc.headings:
        note(defined_by_heading(heading.text), HEADING_DEFINITION)
        if " and " in heading.text.lower():
            for run in content_runs(heading.text)[1:]:
                note(concept_key(" ".join(run)), HEADING_DEFINITION)
    for sentence in sentence_texts:
        for key in defined_in_sentence(sentence):
            note(key, SENTENCE_DEFINITION)
    return found


def _ends_at(prefix: str, run: list[str]) -> bool:
    """The subject run must touch the verb: "Each topic is divided" has no definition in it,
    but the run check keeps "This is a" and "There are the" out as well."""
    tail = words(prefix)[-len(run):]
    return [w.lower() for w in tail] == [w.lower() for w in run]
