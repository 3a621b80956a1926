"""How a model's answer is cut into sentences with the passages each cites, and which of them are
kept: a sentence is kept only when it cites at least one passage of the answer's list and the one
rule of shared/grounding.py finds it supported by what those passages say (their text, heading and
path). Any other sentence is removed before the learner sees it. Pure functions over bounded text,
matched only by shared/linear_regex.py: an answer is read up to MAX_ANSWER_CHARS."""
from __future__ import annotations

from typing import Mapping, Sequence

from shared import linear_regex
from shared.grounding import Evidence, evidence_of, why_unsupported

from .passages import Passage, Sentence

MAX_ANSWER_CHARS = 8000
MAX_CITATION = 9999  # a bracketed number above this is text, not a citation

_PIECE = linear_regex.compile(
    r"(\[\s*(?:(?:passages?|sources?)\s*)?\d{1,4}(?:\s*(?:,|;|and|&)\s*\d{1,4}){0,20}\s*\])|([.!?]+)|(\n)",
    linear_regex.IGNORECASE)
_NUMBER_IN_MARKER = linear_regex.compile(r"\d{1,4}")
_LIST_ITEM = linear_regex.compile(r"^\s*(?:[-*+•>]|#{1,6}|\d{1,3}[.)])\s+")
_DECLINED = linear_regex.compile(
    r"\bnot\s+covered\b|\b(?:do|does|did)\s*(?:not|n't)\s+(?:cover|answer|mention)\b", linear_regex.IGNORECASE)

_LEADING = "\"'([{<*~“‘«"
_AFTER_END = "\"')”’»*"  # what may follow a sentence's final period: closing quotes, emphasis
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "resp", "fig"})


def cited_evidence(passage: Passage) -> Evidence:
    """What citing `passage` vouches for: its text, its heading and its document's path."""
    return evidence_of(f"{passage.path}\n{passage.heading}\n{passage.text}")


# --- sentences and their citations ------------------------------------------------------------------

def split_sentences(text: str) -> list[Sentence]:
    """A model's answer as sentences, each with the passage numbers its markers cite ([1], [1][3],
    [1, 2], before or after its final period; markers inside it count too) and without the markers.
    A sentence ends at . ! ? followed by a space, a marker or the end (not after a list number or an
    abbreviation such as "e.g."), or at a line break. A sentence without a marker has no citations.
    Only the first MAX_ANSWER_CHARS of `text` are read."""
    text = text[:MAX_ANSWER_CHARS]
    sentences: list[Sentence] = []
    parts: list[str] = []           # the current sentence's text, markers left out
    cited: list[int] = []           # its citations, in order
    closed = False                  # it has ended: only markers, spaces and closing quotes may follow
    started = 0                     # where it starts in `text`
    position = 0

    def emit(next_start: int) -> None:
        nonlocal closed, started
        sentence = _clean("".join(parts))
        if _has_content(sentence):
            sentences.append(Sentence(sentence, tuple(dict.fromkeys(cited))))
        parts.clear()
        cited.clear()
        closed, started = False, next_start

    for piece in _PIECE.finditer(text):
        between = text[position:piece.start()]
        if closed and between.strip().strip(_AFTER_END):
            emit(position)
        parts.append(between)
        position = piece.end()
        marker, stop = piece.group(1), piece.group(2)
        if marker is not None:
            cited.extend(n for n in map(int, _NUMBER_IN_MARKER.findall(marker)) if 0 < n <= MAX_CITATION)
            parts.append(" ")
        elif stop is not None:
            parts.append(stop)
            closed = closed or _ends_sentence(text, started, piece.start(), piece.end())
        else:  # a line break
            emit(position)
    between = text[position:]
    if closed and between.strip().strip(_AFTER_END):
        emit(position)
    parts.append(between)
    emit(len(text))
    return sentences


def _ends_sentence(text: str, started: int, stop: int, end: int) -> bool:
    """Whether the run of . ! ? at text[stop:end] ends the sentence that began at `started`."""
    following = text[end:end + 1]
    if following and not (following.isspace() or following in _AFTER_END or following == "["):
        return False  # inside a token: 3.11, kettle.boil(), e.g
    if stop - started <= 8 and text[started:stop].strip().isdigit():
        return False  # "1." of a numbered list
    if not text[started:stop].strip():
        return False
    # The word before it, looked for in a bounded stretch (a sentence may be one long token).
    before = text[max(started, stop - 12):stop].split()
    return not before or before[-1].lower().lstrip(_LEADING) not in _ABBREVIATIONS


def _clean(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    sentence = _LIST_ITEM.sub("", sentence)
    # A marker before the final period leaves "tea ." behind.
    while len(sentence) > 1 and sentence[-1] in ".!?" and sentence[-2] == " ":
        sentence = sentence[:-2] + sentence[-1]
    return sentence.strip()


def _has_content(sentence: str) -> bool:
    return any(char.isalnum() for char in sentence)


def declines(answer: str) -> bool:
    """Whether a model's answer says that the passages do not answer the question ("not covered")."""
    return _DECLINED.search(answer[:MAX_ANSWER_CHARS]) is not None


# --- the rule ------------------------------------------------------------------------------------------

def is_supported(sentence: Sentence, passages: Sequence[Passage]) -> bool:
    """Whether `sentence` cites at least one of `passages` (by number) and is supported by those it cites."""
    by_number = {passage.number: passage for passage in passages}
    cited = [cited_evidence(by_number[n]) for n in sentence.citations if n in by_number]
    return why_unsupported(sentence.text, cited) is None


def supported_sentences(sentences: Sequence[Sentence],
                        passages: Sequence[Passage]) -> tuple[tuple[Sentence, ...], int]:
    """The sentences the rule keeps, each citing only passages that exist, and how many it removed."""
    by_number: Mapping[int, Passage] = {passage.number: passage for passage in passages}
    evidence: dict[int, Evidence] = {}
    kept: list[Sentence] = []
    for sentence in sentences:
        citations = tuple(n for n in sentence.citations if n in by_number)
        for number in citations:
            if number not in evidence:
                evidence[number] = cited_evidence(by_number[number])
        if why_unsupported(sentence.text, [evidence[n] for n in citations]) is None:
            kept.append(Sentence(sentence.text, citations))
    return tuple(kept), len(sentences) - len(kept)
