"""The closed word sets (shared/vocabulary.py) are written once: a set, tuple or list of doc types or
complexity levels anywhere else in services/ or shared/ goes through `doc_type_subset`,
`doc_type_order` or `doc_type_table`, which refuse a misspelt or unknown value when the module is
imported. This finds the next bare copy by itself."""
from __future__ import annotations

import ast
from pathlib import Path

from shared.vocabulary import COMPLEXITY_LEVELS, DOC_TYPES

ROOT = Path(__file__).resolve().parents[2]
CHECKED = {"doc_type_subset", "doc_type_order", "doc_type_table"}


def bare_vocabulary_literals() -> list[str]:
    found = []
    for path in sorted([*(ROOT / "services").rglob("*.py"), *(ROOT / "shared").rglob("*.py")]):
        if path == ROOT / "shared" / "vocabulary.py":
            continue
        tree = ast.parse(path.read_text(), str(path))
        checked = {id(argument) for node in ast.walk(tree) if isinstance(node, ast.Call)
                   and getattr(node.func, "id", getattr(node.func, "attr", None)) in CHECKED for argument in node.args}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Set, ast.Tuple, ast.List)) or id(node) in checked or len(node.elts) < 2:
                continue
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(words) == len(node.elts) and any(set(words) <= set(vocabulary)
                                                    for vocabulary in (DOC_TYPES, COMPLEXITY_LEVELS)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {words}")
    return found


def test_no_bare_copy_of_a_vocabulary():
    assert bare_vocabulary_literals() == []
