"""Real documentation committed to the repository, the same on every machine: the Markdown and
reStructuredText documents of the eleven books under tests/fixtures/ordered_books (attrs, click,
Django's intro, Flask, itsdangerous, Jinja, MarkupSafe, Python-Markdown, Starlette, structlog,
Werkzeug: each project's own documentation, cut to about 6000 characters a document, with its
LICENSE and PROVENANCE). About 250 documents, 1,050,000 characters (prose, API lists, code blocks)."""
from __future__ import annotations

from pathlib import Path

BOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books"
SUFFIXES = (".md", ".rst")
SHORTEST = 1000  # characters: smaller files are notices and stubs, not documentation


def committed_docs() -> dict[str, str]:
    """path (relative to tests/fixtures/ordered_books: the book's folder, then the path in the book)
    -> text, in path order; navigation files, conf.py, licences and provenance notes left out."""
    docs: dict[str, str] = {}
    for path in BOOKS.rglob("*"):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if len(text) >= SHORTEST:
            docs[path.relative_to(BOOKS).as_posix()] = text
    return dict(sorted(docs.items()))
