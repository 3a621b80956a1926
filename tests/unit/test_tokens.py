"""shared/concepts.py `tokens`: a text is split at its blanks and most pieces without a pattern;
the tokens must be exactly those of the token pattern scanned over the whole text."""
from __future__ import annotations

import random
from pathlib import Path

from shared.concepts import _scan, _tokens, without_urls

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BLANKS = [chr(code) for code in range(0x110000) if chr(code).isspace()]
PIECES = list("abcXYZ019().,;:!?'\"-_`#@/*[]{}<>=+~$%^&|\\’é中。") + BLANKS + [
    "3rd", "1.5x", "12x", "call()", "www.x.com", "http://a.b/c", "a@b.co", "(", ")"]


def scanned_whole(text: str) -> list[str]:
    found: list[str] = []
    _scan(without_urls(text), found)
    return found


def test_the_tokens_of_real_documentation_are_the_whole_scan():
    pages = sorted(path for pattern in ("**/*.md", "**/*.rst", "**/*.txt") for path in FIXTURES.glob(pattern))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        assert _tokens(text) == scanned_whole(text), page


def test_the_tokens_of_random_texts_are_the_whole_scan():
    # Every character Python counts as a blank, punctuation beside words, numbers, ordinals, calls,
    # URLs, accents and CJK, in short texts where each piece meets every neighbour.
    rng = random.Random(20261127)
    for _ in range(50_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        assert _tokens(text) == scanned_whole(text), repr(text)


def test_words_beside_marks_and_calls():
    assert _tokens("(see: the_guide, call() and 'quoted'.)") == \
        ["(", "see", ":", "the_guide", ",", "call()", "and", "'", "quoted", "'", ".", ")"]
    assert _tokens("the 3rd of 12x…") == ["the", "3rd", "of", "1", "2", "x", "…"]
