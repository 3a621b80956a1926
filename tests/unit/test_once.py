"""shared/once.py: a value made on first use is made once, whichever threads ask first; and no other
zero-argument function of the services is cached with functools, whose first calls race."""
from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from shared.once import once

ROOT = Path(__file__).resolve().parents[2]
THREADS = 8


def asked_at_once(function, threads: int = THREADS) -> list:
    """`function()` called by `threads` threads released together; what each got."""
    start = threading.Barrier(threads)
    got: list = [None] * threads

    def ask(slot: int) -> None:
        start.wait()
        got[slot] = function()

    workers = [threading.Thread(target=ask, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return got


def test_threads_asking_together_get_one_value_made_once():
    made: list[object] = []
    arrived = threading.Semaphore(0)

    @once
    def value() -> object:
        for _ in range(THREADS):  # the others have come to ask while the first makes it
            assert arrived.acquire(timeout=30)
        made.append(object())
        return made[-1]

    def ask() -> object:
        arrived.release()
        return value()

    got = asked_at_once(ask)

    assert len(made) == 1
    assert all(item is made[0] for item in got)


def test_a_first_call_that_raises_leaves_nothing_and_the_next_tries_again():
    calls: list[int] = []

    @once
    def value() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("lexicon unreadable")
        return "loaded"

    with pytest.raises(OSError):
        value()
    assert value() == "loaded"
    assert value() == "loaded"
    assert len(calls) == 2


def test_the_grammar_lexicons_load_once_whatever_threads_ask_first():
    """The tagger's rules loaded by threads together held each rule once per thread."""
    from services.doc_analyser.engine import grammar, lexicons

    asked_at_once(lambda: grammar.is_verb_and_object("Configure TLS for the broker"))
    brill = lexicons.brill()
    lexicon = lexicons.tagger_lexicon()
    assert len(lexicon.morphology) == len(brill.Morphology(path=lexicon.morphology.path)) > 0
    assert len(lexicon.context) == len(brill.Context(path=lexicon.context.path)) > 0
    assert grammar.verb_of_gerund("configuring") == "configure"


def _cached_without_arguments(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = node.args
        if arguments.args or arguments.posonlyargs or arguments.kwonlyargs or arguments.vararg or arguments.kwarg:
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in ("cache", "lru_cache"):
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    return found


def test_no_value_made_on_first_use_is_cached_with_functools():
    found = [site for folder in ("services", "shared", "ops")
             for path in sorted((ROOT / folder).rglob("*.py")) for site in _cached_without_arguments(path)]
    assert not found, f"use shared.once.once for a value made on first use: {found}"


def test_the_scan_finds_a_zero_argument_function_cached_with_functools(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import functools\nfrom functools import cache\n\n@functools.cache\ndef lexicon():\n    return {}\n\n"
                     "@cache\ndef rules():\n    return []\n\n"
                     "@functools.lru_cache(maxsize=8)\ndef tagged(text):\n    return text\n")
    assert _cached_without_arguments(probe, tmp_path) == ["probe.py:5 lexicon", "probe.py:9 rules"]
