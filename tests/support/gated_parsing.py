"""A parser child function for tests of stage 2's order of work: it parses and indexes like the
service's (services/doc_analyser/engine/corpus_documents.py), notes each document it has parsed
in the file $PARSED_LOG, and holds every document after the first $GATE_AFTER until the gate $GATE
opens (or $GATE_SECONDS pass, so a run that never opens it still ends, and the test says why).

The gate is a named pipe (`Gate`): a child blocks in select() until the test writes one byte into
it, and the byte stays in the pipe, so every child that comes later passes at once."""
from __future__ import annotations

import os
import select

from services.doc_analyser.engine.corpus_documents import parse_and_index as parse_and_index_as_served

SPEC = "tests.support.gated_parsing:parse_and_index"
_parsed = 0


def parse_and_index(path: str, text: str, includes: dict[str, str] | None = None):
    global _parsed
    if _parsed >= int(os.environ["GATE_AFTER"]):
        _wait_for(os.environ["GATE"], float(os.environ.get("GATE_SECONDS", "60")))
    result = parse_and_index_as_served(path, text, includes)
    _parsed += 1
    with open(os.environ["PARSED_LOG"], "a") as log:
        log.write(path + "\n")
    return result


def parsed_so_far(log: str) -> int:
    """How many documents the child has parsed (its log, from the test's side)."""
    if not os.path.exists(log):
        return 0
    with open(log) as lines:
        return sum(1 for _ in lines)


class Gate:
    """The test's side of the gate: made shut, opened once by `open()`. The test keeps the pipe
    open for as long as the gate lives, so what it wrote stays readable for every child."""

    def __init__(self, path: str) -> None:
        os.mkfifo(path)
        self.path = path
        self._keeper = os.open(path, os.O_RDWR | os.O_NONBLOCK)  # never blocks: it reads and writes
        self._opened = False

    def open(self) -> None:
        if not self._opened:
            os.write(self._keeper, b"o")
            self._opened = True

    def close(self) -> None:
        os.close(self._keeper)


def _wait_for(gate: str, seconds: float) -> None:
    """Block until the gate has been opened (its pipe holds a byte), at most `seconds`."""
    fd = os.open(gate, os.O_RDWR | os.O_NONBLOCK)
    try:
        select.select([fd], [], [], seconds)
    finally:
        os.close(fd)
