"""`phrase_keys` (shared/concepts.py) is `concept_key` of every run of up to N words, read once:
the same set as joining each run and keying it, on every paragraph of the fixtures' real books."""
from __future__ import annotations

from pathlib import Path

import pytest

from shared.concepts import concept_key, phrase_keys, words

# Keying run by run, the slow way checked against, takes about a second over the books.
pytestmark = pytest.mark.slow

BOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books"


def keys_run_by_run(text: str, longest: int) -> set[str]:
    said = words(text)
    found = {concept_key(" ".join(said[i:i + size])) for size in range(1, longest + 1)
             for i in range(len(said) - size + 1)}
    found.discard("")
    return found


def test_phrase_keys_are_the_keys_of_each_run():
    paragraphs = [paragraph for path in sorted(BOOKS.glob("*/docs/*.*")) if path.suffix in (".md", ".rst")
                  for paragraph in path.read_text(encoding="utf-8", errors="replace").split("\n\n")[:12]]
    assert len(paragraphs) > 200
    for paragraph in paragraphs:
        assert phrase_keys(paragraph, 4) == keys_run_by_run(paragraph, 4), paragraph
    assert phrase_keys("The brokers of the cluster", 4) == {"broker", "cluster", "broker of the cluster"}
