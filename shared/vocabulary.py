"""The closed word sets the events and every stage share: how demanding a document or module is
(complexity levels, easiest first) and what kind of reading a document is (doc types).

Each set is declared once, as a Literal (what pydantic validates and type checkers read); its
values as a tuple come from that Literal, so the two cannot drift. The Literal's order is part of
published JSON Schemas (the stage 2 answer schema, DocsAnalysisRequested), so new values go at the
end. A table keyed by one of these sets is built through `doc_type_table` / `doc_type_order` /
`doc_type_subset`, which refuse a table that misses a value or names an unknown one: a doc type
added here and forgotten in a stage is an error when that stage is imported, not a KeyError in
the middle of a course."""
from __future__ import annotations

from typing import Iterable, Literal, Mapping, TypeVar, get_args

Complexity = Literal["beginner", "intermediate", "advanced"]
COMPLEXITY_LEVELS: tuple[Complexity, ...] = get_args(Complexity)  # easiest first

DocType = Literal["guide", "tutorial", "how-to", "reference", "api", "concept", "overview",
                  "changelog", "faq", "troubleshooting", "contributing", "example", "other"]
DOC_TYPES: tuple[DocType, ...] = get_args(DocType)

V = TypeVar("V")


def doc_type_table(table: Mapping[str, V]) -> dict[DocType, V]:
    """`table` as it is, once it has exactly one entry for every doc type."""
    _check_keys("doc type table", table.keys(), DOC_TYPES, complete=True)
    return dict(table)  # type: ignore[arg-type]  # checked above


def doc_type_order(order: Iterable[str]) -> tuple[DocType, ...]:
    """`order` as a tuple, once it names every doc type exactly once."""
    found = tuple(order)
    if len(set(found)) != len(found):
        raise ValueError(f"doc type order repeats a type: {found}")
    _check_keys("doc type order", found, DOC_TYPES, complete=True)
    return found  # type: ignore[return-value]  # checked above


def doc_type_subset(types: Iterable[str]) -> frozenset[DocType]:
    """`types` as a frozenset, once each is a known doc type (a misspelt one would never match)."""
    found = frozenset(types)
    _check_keys("doc type set", found, DOC_TYPES, complete=False)
    return found  # type: ignore[return-value]  # checked above


def _check_keys(what: str, keys: Iterable[str], values: tuple[str, ...], complete: bool) -> None:
    keys = set(keys)
    unknown = sorted(keys - set(values))
    missing = [value for value in values if value not in keys] if complete else []
    if unknown or missing:
        raise ValueError(f"{what} does not match the vocabulary (shared/vocabulary.py): "
                         f"missing {missing}, unknown {unknown}")
