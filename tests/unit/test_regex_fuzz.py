"""Every regular expression of services/ and shared/, found from the code, fed hostile inputs built
from its own structure up to 100 KB: none may take more than 0.1 s. And no module may match with
anything but shared/linear_regex.py, so a new pattern cannot escape either check."""
from __future__ import annotations

import ast
import importlib
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import linear_regex

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("services", "shared", "ops")
LIMIT_SECONDS = 0.1
LENGTH = 100_000
FUNCTIONS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}
BACKTRACKING_ENGINES = {"re", "regex", "sre_compile", "sre_parse", "fnmatch"}


def source_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def literal_patterns(path: Path) -> Iterator[tuple[str, int]]:
    """Patterns written as literals in calls to linear_regex (flags, when given, also literal)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "linear_regex"
                and node.func.attr in FUNCTIONS and node.args):
            continue
        try:
            pattern = ast.literal_eval(node.args[0])
        except ValueError:
            continue
        flags = 0
        flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
        if flag_node is None and node.func.attr == "compile" and len(node.args) > 1:
            flag_node = node.args[1]
        if flag_node is not None:
            try:
                flags = int(eval(compile(ast.Expression(flag_node), str(path), "eval"),  # noqa: S307 - our own source
                                 {"linear_regex": linear_regex}))
            except Exception:
                continue
        if isinstance(pattern, str):
            yield pattern, flags


def all_patterns() -> list[tuple[str, int]]:
    """Each pattern compiled when every module is imported, and each literal one in the source."""
    for path in source_files():
        importlib.import_module(module_name(path))
    found = dict.fromkeys(linear_regex.known_patterns())
    for path in source_files():
        found.update(dict.fromkeys(literal_patterns(path)))
    return sorted(found, key=lambda item: (item[0], item[1]))


def test_no_module_matches_with_a_backtracking_engine():
    offenders = []
    for path in source_files():
        if path == ROOT / "shared" / "linear_regex.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                          for name in names if name.split(".")[0] in BACKTRACKING_ENGINES | {"re2"}]
    assert not offenders, "match through shared/linear_regex.py:\n" + "\n".join(offenders)


# What each escape stands for in an input: members and non-members of the class.
CLASS_SAMPLES = {"w": "aZ_9é中", "W": " !-\n", "d": "07٣", "D": "a ", "s": " \t\n\u00a0", "S": "a!", "b": " a",
                 "B": "a", "n": "\n", "t": "\t", "r": "\r"}
ALWAYS = " \na!é-_.:#*`<>[]()\"'/\\|=,0"


def alphabet(pattern: str) -> str:
    """The characters a pattern mentions, with members of its classes and some it rejects."""
    chars: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            chars.extend(CLASS_SAMPLES.get(escaped, escaped))
            index += 2
            continue
        if char not in "()|?+*{}^$":
            chars.append(char)
        index += 1
    chars.extend(ALWAYS)
    return "".join(dict.fromkeys(chars))


def literal_prefix(pattern: str) -> str:
    prefix = []
    for char in pattern.lstrip("^"):
        if char in "\\()[]|?+*{}.$":
            break
        prefix.append(char)
    return "".join(prefix[:-1] if len(prefix) > 1 else prefix)


def hostile_inputs(pattern: str) -> Iterator[tuple[str, str]]:
    letters = alphabet(pattern)
    prefix = literal_prefix(pattern)
    for char in letters:
        yield f"{char!r} × {LENGTH}", char * LENGTH
        yield f"prefix + {char!r} × {LENGTH} + NUL", prefix + char * LENGTH + "\x00"
    head = letters[:14]
    for first in head:
        for second in head:
            if first < second:
                yield f"({first!r}{second!r}) × {LENGTH // 2}", (first + second) * (LENGTH // 2)
    for first in head:
        yield f"({first!r} + newline) × {LENGTH // 2}", (first + "\n") * (LENGTH // 2)
        yield f"({prefix!r} + {first!r}) repeated", (prefix + first) * (LENGTH // max(1, len(prefix) + 1))
    rng = random.Random(pattern)
    for run in range(4):
        yield f"random over its alphabet #{run}", "".join(rng.choices(letters, k=LENGTH))


def timed(method, text: str) -> float:
    """The CPU time the match costs this thread: what a pattern takes whatever else the machine
    runs (wall time also counts the other processes of a loaded machine)."""
    started = time.thread_time()
    method(text)
    return time.thread_time() - started


PATTERNS = all_patterns()


def test_the_patterns_of_the_code_are_found():
    # The count only guards the discovery itself: hundreds of patterns exist in the code.
    assert len(PATTERNS) > 200


@pytest.mark.parametrize("pattern, flags", PATTERNS, ids=[f"{p[:60]!r}/{f}" for p, f in PATTERNS])
def test_no_pattern_takes_over_a_tenth_of_a_second_on_hostile_input(pattern, flags):
    compiled = linear_regex.compile(pattern, flags)
    slowest = (0.0, "")
    for description, text in hostile_inputs(pattern):
        for method in (compiled.search, compiled.fullmatch):
            took = min(timed(method, text) for _ in range(3)) if timed(method, text) > LIMIT_SECONDS else 0.0
            slowest = max(slowest, (took, f"{method.__name__} on {description}"))
    assert slowest[0] <= LIMIT_SECONDS, f"{slowest[0]:.3f} s for {slowest[1]}"
