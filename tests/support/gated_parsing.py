"""A parser child function for tests of stage 2's order of work: it parses and indexes like the
service's (services/doc_analyser/engine/corpus_documents.py), notes each document it has parsed
in the file $PARSED_LOG, and holds every document after the first $GATE_AFTER until the file $GATE
exists (or $GATE_SECONDS pass, so a run that never opens it still ends, and the test says why)."""
from __future__ import annotations

import os
import time

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


def _wait_for(gate: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)  # the child has nothing else to do; the gate is a file, not an event
