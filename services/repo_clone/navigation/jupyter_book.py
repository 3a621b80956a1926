"""Jupyter Book v1 `_toc.yml`: its `root`, then `parts` (each under its `caption`), `chapters`,
`sections` and `subtrees` depth first; entries name files with or without their suffix."""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from shared.repos.globs import InvalidGlob, compile_glob

from .common import Listed, folders_of, read_yaml, route_page, section_title

FILES = ("_toc.yml",)
_NESTED = ("parts", "chapters", "sections", "subtrees", "entries")
MOST_DEPTH = 40


def read(root: Path, docs: set[str]) -> list[Listed]:
    ordered: list[Listed] = []
    for toc in (posixpath.join(folder, "_toc.yml") for folder in folders_of(docs)):
        if (root / toc).is_file():
            data = read_yaml(root, toc)
            if isinstance(data, dict):
                folder = posixpath.dirname(toc)
                pages: list[tuple[str, str | None]] = []
                if isinstance(data.get("root"), str):
                    pages.append((data["root"], None))
                _walk(data, None, pages, 0)
                ordered.extend(Listed(page, section, toc) for name, section in pages
                               for page in _pages(docs, folder, name))
    return ordered


def _walk(node: dict, section: str | None, pages: list[tuple[str, str | None]], depth: int) -> None:
    if depth > MOST_DEPTH:
        return
    for key in _NESTED:
        items = node.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str):
                pages.append((item, section))
            elif isinstance(item, dict):
                caption = item.get("caption")
                inner = section_title(caption) if isinstance(caption, str) else section
                if isinstance(item.get("file"), str):
                    pages.append((item["file"], section))
                if isinstance(item.get("glob"), str):
                    pages.append(("*glob*" + item["glob"], section))
                _walk(item, inner, pages, depth + 1)


def _pages(docs: set[str], folder: str, name: str) -> list[str]:
    if name.startswith("*glob*"):
        try:
            glob = compile_glob(posixpath.join(folder, name[6:]), anywhere=False)
        except InvalidGlob:
            return []
        return sorted(doc for doc in docs if glob.matches(posixpath.splitext(doc)[0]))
    page = route_page(docs, folder, name)
    return [page] if page else []


def toc_pages(docs: set[str], folder: str, entries: Any) -> list[str]:
    """The pages of a list of toc entries (for tests and other readers)."""
    pages: list[tuple[str, str | None]] = []
    _walk({"entries": entries}, None, pages, 0)
    return [page for name, _ in pages for page in _pages(docs, folder, name)]
