"""shared/word_runs.py: the runs of word characters and the collapsed blanks of any text are those
the patterns `\\w+` and `\\s+` give, on every fixture page and on random texts of every blank,
punctuation, digits, accents and CJK."""
from __future__ import annotations

import random
from pathlib import Path

from shared import linear_regex
from shared.word_runs import single_spaced, word_runs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BLANKS = [chr(code) for code in range(0x110000) if chr(code).isspace()]
PIECES = list("abzAZ09_-.,;:'\"()[]`*#\\/é中٣ǅß") + BLANKS + ["\x00", "\x7f", "\u200b", "\ufeff", "word", "x_1"]


def same_as_the_patterns(text: str) -> None:
    assert word_runs(text) == linear_regex.findall(r"\w+", text), repr(text)
    assert single_spaced(text) == linear_regex.sub(r"\s+", " ", text), repr(text)
    assert text.split() == linear_regex.findall(r"\S+", text), repr(text)


def test_real_pages():
    pages = sorted(path for pattern in ("**/*.md", "**/*.rst") for path in FIXTURES.glob(pattern))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        same_as_the_patterns(text)
        same_as_the_patterns(text.encode("ascii", "ignore").decode())


def test_random_texts():
    rng = random.Random(20261127)
    for _ in range(30_000):
        same_as_the_patterns("".join(rng.choice(PIECES) for _ in range(rng.randint(0, 10))))


def test_ends_and_empty_texts():
    assert single_spaced("") == "" and single_spaced(" \n\t") == " " and single_spaced(" a  b\n") == " a b "
    assert word_runs("") == [] and word_runs("a-b_c d.1") == ["a", "b_c", "d", "1"]
