"""A document read once for every part of the offline engine and for the corpus: its sentences
(with their section, words and candidate phrases), the phrases of its title and headings, the
identifiers its code uses and the words it writes as names ("Docker", "Fluxmq")."""
from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from services.doc_analyser.engine.lexicon import (IGNORED, looks_like_instructions_to_a_model, runs_of_tokens,
                                     sentences, tokens)
from shared import linear_regex
from shared.word_runs import word_runs
from shared.cjk import term_vocabulary, terms_in
from shared.docs.model import ParsedDocument

_IDENTIFIER = linear_regex.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_LONGEST_CODE_SCANNED = 20_000
LONGEST_RUN = 8  # runs are kept long here; key phrases use their last four words


class Sentence(NamedTuple):  # a tuple: built for every sentence, so it must be cheap
    text: str
    position: int                   # order in the document
    section: int                    # index into doc.sections
    opens_paragraph: bool
    heading: str                    # the section's heading, "" before the first heading
    words: list[str]
    runs: list[list[str]]           # candidate phrases (content-word runs)


@dataclass(frozen=True)
class Profile:
    doc: ParsedDocument
    sentences: tuple[Sentence, ...]
    title_runs: list[list[str]]
    heading_runs: tuple[tuple[int, list[list[str]]], ...]   # (level, runs) per heading over content
    prose_words: tuple[str, ...]
    code_identifiers: frozenset[str]    # lower case
    proper_words: frozenset[str]        # surface forms used as names
    # Sections under a heading that heads nothing: see navigation_only_sections.
    navigation_only: frozenset[int] = frozenset()

    @property
    def code_lines(self) -> int:
        return sum(block.code.count("\n") + 1 for block in self.doc.code_blocks)


def build_profile(doc: ParsedDocument) -> Profile:
    # Chinese and Japanese words, which no blank separates: one vocabulary for the whole document.
    vocabulary = term_vocabulary((section.text for section in doc.sections),
                                 [doc.title, *(heading.text for heading in doc.headings)])
    found = _sentences(doc, vocabulary)
    navigation_only = navigation_only_sections(doc)
    hollow = {doc.sections[index].heading for index in navigation_only}
    return Profile(
        doc, tuple(found), _runs(doc.title, vocabulary),
        tuple((heading.level, _runs(heading.text, vocabulary)) for heading in doc.headings
              if heading.text != doc.title and heading not in hollow),
        tuple(word for sentence in found for word in sentence.words),
        _code_identifiers(doc), _proper_words(found), navigation_only)


def navigation_only_sections(doc: ParsedDocument) -> frozenset[int]:
    """Sections whose heading heads nothing the reader gets: no prose, code or note, and no
    subsection. An index page's "Reference" or "Serving and Testing" over a table of contents (a
    toctree, which the parser leaves to the navigation) names no concept and no objective."""
    sections = doc.sections
    found = set()
    for index, section in enumerate(sections):
        if section.heading is None or section.text.strip() or section.code or section.markdown.strip():
            continue
        following = sections[index + 1].heading if index + 1 < len(sections) else None
        if following is None or following.level <= section.heading.level:
            found.add(index)
    return frozenset(found)


def _sentences(doc: ParsedDocument, vocabulary: frozenset[str]) -> list[Sentence]:
    found: list[Sentence] = []
    for section_index, section in enumerate(doc.sections):
        heading = section.heading.text if section.heading else ""
        for paragraph in section.text.split("\n\n"):
            if looks_like_instructions_to_a_model(paragraph):
                continue  # text aimed at a model, not a learner: no part of the analysis
            pieces = sentences(paragraph)
            for number, text in enumerate(pieces):
                found_tokens = tokens(text)
                words = [token for token in found_tokens if token[0].isalpha()]
                found.append(Sentence(text, len(found), section_index, number == 0, heading, words,
                                      _with_terms(runs_of_tokens(found_tokens, LONGEST_RUN), text, vocabulary)))
    return found


def _runs(text: str, vocabulary: frozenset[str]) -> list[list[str]]:
    return _with_terms(runs_of_tokens(tokens(text), LONGEST_RUN), text, vocabulary)


def _with_terms(runs: list[list[str]], text: str, vocabulary: frozenset[str]) -> list[list[str]]:
    """The runs of the text's spaced words, then each CJK term of the text as a run of its own."""
    return runs + [[term] for term in terms_in(text, vocabulary)] if vocabulary else runs


def _code_identifiers(doc: ParsedDocument) -> frozenset[str]:
    code = "\n".join(block.code for block in doc.code_blocks)[:_LONGEST_CODE_SCANNED]
    return frozenset(name.lower() for name in identifiers(code))


def identifiers(code: str) -> list[str]:
    """`_IDENTIFIER.findall(code)`. In ASCII code an identifier is what is left of a run of word
    characters without its leading digits, if three or more are left (the pattern's scan starts
    again after each digit it cannot start on): string methods, not a pattern call each."""
    if not code.isascii():
        return _IDENTIFIER.findall(code)
    return [name for run in word_runs(code) if len(name := run.lstrip(string.digits)) >= 3]


def _proper_words(found: list[Sentence]) -> frozenset[str]:
    """Words never written in lower case, and either capitalised mid-sentence or opening two
    sentences or more ("Fluxmq is…", "Fluxmq runs…")."""
    capitalised: set[str] = set()
    openings: Counter[str] = Counter(sentence.words[0] for sentence in found
                                     if sentence.words and sentence.words[0][0].isupper())
    lower: set[str] = set()
    for sentence in found:
        capitalised.update(word for word in sentence.words[1:] if word[0].isupper())
        lower.update(word for word in sentence.words if word[0].islower())
    capitalised.update(word for word, count in openings.items()
                       if count >= 2 and word.lower() not in IGNORED)
    lower = {word.lower() for word in lower}
    return frozenset(word for word in capitalised if word.lower() not in lower)
