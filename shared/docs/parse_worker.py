"""Parsing untrusted documents under a time budget.

The parsers are written to run in linear time, but a parser that is stuck (a pattern that
backtracks, a loop nobody foresaw) holds the interpreter lock, and a thread cannot be stopped: the
whole service would freeze, its acknowledgements stop and the message go to the next replica,
which freezes too. So documents are parsed in a child process, one at a time. When an answer does
not come within the budget, the child is killed, the document is reported as over budget (the
stage skips it, naming the reason) and a fresh child parses the next one.

Run as `python -m shared.docs.parse_worker module:function` it is that child: it reads
length-prefixed pickled `(path, text)` requests (or `(path, text, includes)`: the files the
document's includes may name, a dict, since the child cannot read the snapshot; or any arguments
of the function, `BudgetedParser.call`) on stdin and answers each on stdout. When the function's
module has `warm_up_steps()`, the child takes its steps one at a time whenever no request waits.
"""
from __future__ import annotations

import importlib
import os
import pickle
import select
import struct
import subprocess
import sys
import time
from typing import Any

from shared.docs.model import ParsedDocument

PARSE = "shared.docs.parsing:parse"
_HEADER = struct.Struct("!Q")
_READY = b"ready\n"
_START_SECONDS = 60.0  # importing the parsers; not part of any document's budget


class OverBudget(Exception):
    """The document could not be parsed within the budget; the message says so."""


class BudgetedParser:
    """Parses documents in a child process, each within `budget_seconds`. Blocking: call from a
    thread. Use as a context manager, so the child is stopped when done."""

    def __init__(self, budget_seconds: float, parser: str = PARSE):
        self._budget, self._parser = budget_seconds, parser
        self._child: subprocess.Popen | None = None

    def __enter__(self) -> "BudgetedParser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def budget_seconds(self) -> float:
        return self._budget

    def start(self) -> "BudgetedParser":
        """Start the child now rather than at the first document (starting Python and importing
        the parsers takes longer than parsing most documents)."""
        self._running_child()
        return self

    def parse(self, path: str, text: str, includes: dict[str, str] | None = None) -> ParsedDocument:
        """The parsed document; OverBudget when the child took longer than the budget (or died).
        `includes`: repository path → text of the files the document may include."""
        return self.call(path, text) if includes is None else self.call(path, text, includes)

    def call(self, *arguments: object) -> Any:
        """The child's function applied to `arguments` (picklable), within the budget: `parse` for
        a function that is no parser (the PDF's layout and join, say)."""
        request = pickle.dumps(arguments, protocol=pickle.HIGHEST_PROTOCOL)
        child = self._running_child()
        try:
            _write_message(child.stdin, request)
        except OSError:  # the idle child died (killed from outside): a fresh one takes it
            self.close()
            child = self._running_child()
            _write_message(child.stdin, request)
        started = time.monotonic()
        answered = _readable(child.stdout, self._budget)
        late = time.monotonic() - started > self._budget
        answer = _read_message(child.stdout) if answered else None
        if answered and answer is None:
            code = self.close()
            raise OverBudget(f"the parser stopped on this document (exit code {code}); "
                             "the document is skipped")
        if not answered or late:  # an answer past the budget counts as none, whatever the timing
            if not answered:
                self.close()  # it may be stuck: killed, and a fresh one takes the next document
            raise OverBudget(f"parsing took longer than the {self._budget:g} s a document may take; "
                             "the document is skipped")
        return pickle.loads(answer)

    def close(self) -> int | None:
        """Stop the child (killed: it may be stuck); its exit code."""
        child, self._child = self._child, None
        if child is None:
            return None
        child.kill()
        code = child.wait()
        for stream in (child.stdin, child.stdout):
            try:
                stream.close()
            except OSError:
                pass  # a pipe broken by the kill
        return code

    def _running_child(self) -> subprocess.Popen:
        if self._child is None:
            child = subprocess.Popen([sys.executable, "-m", "shared.docs.parse_worker", self._parser],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
            self._child = child
            if not _readable(child.stdout, _START_SECONDS) or _read_exactly(child.stdout, len(_READY)) != _READY:
                self.close()
                raise RuntimeError("the document parser process did not start")
        return self._child


def _readable(stream, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            ready, _, _ = select.select([stream], [], [], max(0.0, remaining))
        except InterruptedError:
            continue
        return bool(ready)


def _write_message(stream, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read_message(stream) -> bytes | None:
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(stream, _HEADER.unpack(header)[0])


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            return None  # the other side is gone
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _serve(parser: str) -> None:
    module_name, _, name = parser.partition(":")
    module = importlib.import_module(module_name)
    parse = getattr(module, name)
    # Unbuffered, so that select() tells whether a request is waiting.
    requests = os.fdopen(sys.stdin.fileno(), "rb", buffering=0, closefd=False)
    answers = os.fdopen(sys.stdout.fileno(), "wb", closefd=False)
    sys.stdout = sys.stderr  # a parser that prints must not corrupt the answers
    answers.write(_READY)
    answers.flush()
    # What the function's first calls would otherwise do (imports, compiling patterns), done a step
    # at a time while the child is idle: a spare child readies itself before the run that takes it,
    # and a request that comes meanwhile waits for one step at most, not for them all.
    warming = iter(getattr(module, "warm_up_steps", tuple)())
    while True:
        while not _readable(requests, _IDLE_SECONDS) and _warm_a_step(warming):
            pass
        if (request := _read_message(requests)) is None:
            return
        _write_message(answers, pickle.dumps(parse(*pickle.loads(request)), protocol=pickle.HIGHEST_PROTOCOL))


# How long no request must have come before the child takes a warm-up step: a child parsing a run's
# documents meets short gaps between them, and warming up there would take the run's CPU.
_IDLE_SECONDS = 0.05


def _warm_a_step(warming) -> bool:
    """Takes the warm-up's next step; False once it has none left. A step that fails ends the
    warm-up, saying why on stderr (the service's log): the child must not die of it, or the next
    document would be reported as the one it stopped on."""
    try:
        next(warming)
    except StopIteration:
        return False
    except Exception as exc:  # noqa: BLE001 — the warm-up is an optimisation, never a failure
        print(f"parser child: warming up failed, the parsers ready themselves on first use: {exc!r}",
              file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    _serve(sys.argv[1] if len(sys.argv) > 1 else PARSE)
