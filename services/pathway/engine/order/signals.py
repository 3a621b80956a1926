"""What a document says of its place in a reading order: where a navigation lists it (or stage 1
inferred it), its kind of reading, its complexity, its name; and the concepts it teaches and talks
about (define before use: PathwayDocument's concept_labels, taught_keys and used_keys). The first step of the order's pipeline (see order/__init__.py)."""
from __future__ import annotations

import posixpath
from typing import Iterable

from shared.vocabulary import COMPLEXITY_LEVELS, doc_type_order

from ..models import PathwayDocument

# The learning order of kinds of reading: the tie-break among documents a pathway treats alike.
DOC_TYPE_ORDER = doc_type_order(("overview", "concept", "guide", "tutorial", "how-to", "example", "faq",
                                 "troubleshooting", "reference", "api", "changelog", "contributing",
                                 "other"))

def doc_type_rank(document: PathwayDocument) -> int:
    return DOC_TYPE_ORDER.index(document.doc_type)


def complexity_rank(level: str) -> int:
    return COMPLEXITY_LEVELS.index(level)


def navigation_rank(document: PathwayDocument) -> tuple[int, int]:
    """Documents in the navigation first, in its order; then those stage 1 could place by their
    names, index pages and front matter, in that inferred order (ties stay ties); the others last."""
    if document.navigation_index is not None:
        return (0, document.navigation_index)
    return (1, document.inferred_index) if document.inferred_index is not None else (2, 0)


def peer_order(document: PathwayDocument) -> tuple:
    """The tie-break among documents a pathway treats alike: navigation, doc type, complexity, name."""
    return (navigation_rank(document), doc_type_rank(document),
            complexity_rank(document.complexity_level), *name_order(document.path))


def name_order(path: str) -> tuple[str, str]:
    """Paths compared without their extension, so a module's page comes before its submodules'
    ("markdown.md" before "markdown.blockparser.md"); the whole path keeps the order total."""
    return posixpath.splitext(path)[0], path


def taught_uses(documents: Iterable[PathwayDocument]) -> dict[str, tuple[str, ...]]:
    """Path → the concept keys the document uses (PathwayDocument.used_keys) that some document of
    `documents` teaches (taught_keys), each once: all that define-before-use looks up of what a
    document says (teaching.py, explain.py), a small part of its phrases. Tuples of the
    vocabulary's own strings: a key is held once however many documents use it, and a tuple costs
    a fraction of a small set."""
    documents = list(documents)
    vocabulary = {key: key for document in documents for key in document.taught_keys}
    return {document.path: tuple(vocabulary[key] for key in document.used_keys if key in vocabulary)
            for document in documents}
