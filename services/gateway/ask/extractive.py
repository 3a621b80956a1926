"""The offline answer: the passages that answer, quoted as the documents write them (code kept),
each with its citation — an extractive answer, and it says so. A long section is quoted by the
window of its lines that holds most of the question's words, and cited by that window's lines."""
from __future__ import annotations

from .passages import Passage
from .retrieve import Found, Retrieval

MAX_QUOTE_LINES = 30
MAX_QUOTE_CHARS = 2_500
EXTRACTIVE = "extractive"
NOT_COVERED = ("Not covered by this course's sources: none of its documents answers this question. "
               "Try other words, or ask the course's author.")
PREAMBLE = "Quoted from the course's sources (an extractive answer: nothing here is written by a model)."


def passages(retrieval: Retrieval) -> list[Passage]:
    """The retrieved sections as citable passages, each quoted by its best window."""
    return [_passage(number, found, retrieval.words) for number, found in enumerate(retrieval.found, start=1)]


def extractive_answer(passages_found: list[Passage]) -> str:
    """The answer's text (Markdown): the preamble, then each passage quoted with its citation number."""
    if not passages_found:
        return NOT_COVERED
    parts = [PREAMBLE]
    for p in passages_found:
        where = f"{p.path}" + (f" — {p.heading}" if p.heading else "")
        parts.append(f"[{p.number}] {where} (lines {p.start_line}–{p.end_line}):\n\n{p.quote}")
    return "\n\n".join(parts)


def _passage(number: int, found: Found, words: tuple[str, ...]) -> Passage:
    start, end, quote = window(found.quote, found.start_line, found.end_line, words)
    text = "\n\n".join(part for part in (found.heading, found.body, found.code) if part)
    return Passage(number=number, path=found.path, heading=found.heading, anchor=found.anchor,
                   start_line=start, end_line=end, quote=quote, text=text, score=round(found.score, 4))


def window(quote: str, first_line: int, last_line: int, words: tuple[str, ...]) -> tuple[int, int, str]:
    """(start line, end line, text) of the part of a section to quote: all of it when short, else
    the run of at most MAX_QUOTE_LINES lines holding most of `words` (stems: a line holds one when
    it holds its first four letters), the heading's line first when the run starts the section."""
    lines = quote.split("\n")
    if len(lines) <= MAX_QUOTE_LINES and len(quote) <= MAX_QUOTE_CHARS:
        return first_line, max(first_line, min(last_line, first_line + len(lines) - 1)), quote
    stems = [word[:4] for word in words if word]
    hits = [sum(1 for stem in stems if stem in line.lower()) for line in lines]
    best_start, best, current = 0, -1, 0
    for end in range(len(lines)):
        current += hits[end]
        if end >= MAX_QUOTE_LINES:
            current -= hits[end - MAX_QUOTE_LINES]
        start = max(0, end - MAX_QUOTE_LINES + 1)
        if current > best:
            best, best_start = current, start
    chosen = lines[best_start:best_start + MAX_QUOTE_LINES]
    text = "\n".join(chosen)
    if len(text) > MAX_QUOTE_CHARS:
        text = text[:MAX_QUOTE_CHARS].rsplit("\n", 1)[0] + "\n…"
    start_line = first_line + best_start
    end_line = min(last_line, start_line + text.count("\n"))
    return start_line, end_line, text
