"""A document parser for the parse-budget tests: the real one, except that a document containing
STUCK never finishes (it spins holding its own interpreter lock, as a backtracking pattern does)."""
from __future__ import annotations

from shared.docs.parsing import parse as real_parse

STUCK = "<!-- this document never finishes parsing -->"


def parse(path: str, text: str):
    while STUCK in text:
        pass
    return real_parse(path, text)
