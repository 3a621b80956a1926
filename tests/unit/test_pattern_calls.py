"""A pattern call (shared/linear_regex.py) costs about a microsecond and a half whatever it finds: a
scan that calls a pattern once per word of a text costs more than the rest of stage 2's work on
that word. Stage 2's analysis of real pages is held to a budget of pattern calls per word (words,
blanks, identifiers and word shapes are found with string methods), so the next scan that calls a
pattern per word shows here."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from shared import linear_regex
from shared.docs.parsing import parse
from services.doc_analyser.engine.corpus_documents import index_document
from services.doc_analyser.engine.offline import analyse_document

BOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books"
MOST_CALLS_PER_WORD = 1.8


class _Counting:
    """A compiled RE2 program whose match calls are counted, by pattern."""

    def __init__(self, program, pattern: str, counts: Counter) -> None:
        self._program, self._pattern, self._counts = program, pattern, counts

    def Match(self, *args):  # noqa: N802 - RE2's name
        self._counts[self._pattern] += 1
        return self._program.Match(*args)

    def __getattr__(self, name: str):
        return getattr(self._program, name)


def _analysed(pages) -> None:
    for page in pages:
        analyse_document(page, "beginner", "")
        index_document(page)


def calls_per_word(pages) -> tuple[float, Counter]:
    _analysed(pages)  # every pattern the analysis uses compiled first
    counts: Counter = Counter()
    patterns = [linear_regex.compile(pattern, flags) for pattern, flags in linear_regex.known_patterns()]
    programs = [(pattern, pattern._regexp) for pattern in patterns]
    for pattern, program in programs:
        pattern._regexp = _Counting(program, pattern.pattern, counts)
    try:
        _analysed(pages)
    finally:
        for pattern, program in programs:
            pattern._regexp = program
    return sum(counts.values()) / sum(page.word_count for page in pages), counts


def test_stage_2_calls_patterns_less_than_twice_a_word():
    paths = sorted(BOOKS.rglob("*.md"))[:60] + sorted(BOOKS.rglob("*.rst"))[:60]
    pages = [parse(str(path.relative_to(BOOKS)), path.read_text(encoding="utf-8")) for path in paths]
    assert sum(page.word_count for page in pages) > 20_000
    per_word, counts = calls_per_word(pages)
    assert sum(counts.values()) > 0  # the count sees the calls
    assert per_word < MOST_CALLS_PER_WORD, counts.most_common(5)
