"""Quarto `_quarto.yml`: a website's `sidebar` `contents` (a `section:` titles the pages under it)
and a book's `chapters` and `appendices` (a `part:` titles its chapters)."""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from shared.docs.formats import is_document

from .common import Listed, folders_of, read_yaml, route_page, section_title

FILES = ("_quarto.yml", "_quarto.yaml")
MOST_DEPTH = 40


def read(root: Path, docs: set[str]) -> list[Listed]:
    ordered: list[Listed] = []
    for folder in folders_of(docs):
        for config in (posixpath.join(folder, name) for name in FILES):
            if not (root / config).is_file():
                continue
            data = read_yaml(root, config)
            if not isinstance(data, dict):
                continue
            pages: list[tuple[str, str | None]] = []
            book = data.get("book")
            if isinstance(book, dict):
                _contents(book.get("chapters"), None, pages, 0)
                _contents(book.get("appendices"), "Appendices", pages, 0)
            website = data.get("website")
            sidebars = website.get("sidebar") if isinstance(website, dict) else None
            for sidebar in sidebars if isinstance(sidebars, list) else [sidebars]:
                if isinstance(sidebar, dict):
                    _contents(sidebar.get("contents"), None, pages, 0)
            ordered.extend(Listed(page, section, config) for name, section in pages
                           if (page := route_page(docs, folder, name)))
    return ordered


def _contents(items: Any, section: str | None, pages: list[tuple[str, str | None]], depth: int) -> None:
    if not isinstance(items, list) or depth > MOST_DEPTH:
        return
    for item in items:
        if isinstance(item, str):
            pages.append((item, section))
        elif isinstance(item, dict):
            page = item.get("href") or item.get("file")
            title = item.get("section") or item.get("part")
            if isinstance(title, str) and is_document(title):
                page, title = title, None  # a part written as a file: its page opens the part
            if isinstance(page, str):
                pages.append((page, section))
            inner = section_title(title) if isinstance(title, str) else section
            _contents(item.get("contents") or item.get("chapters"), inner, pages, depth + 1)
