"""MyST `myst.yml` `project.toc`: entries with `file` (or `pattern`), `children`, and groups with a
`title`, depth first; a group's title is the section of the pages under it."""
from __future__ import annotations

import posixpath
from pathlib import Path

from shared.repos.globs import InvalidGlob, compile_glob

from .common import Listed, folders_of, read_yaml, route_page, section_title

FILES = ("myst.yml",)
MOST_DEPTH = 40


def read(root: Path, docs: set[str]) -> list[Listed]:
    ordered: list[Listed] = []
    for config in (posixpath.join(folder, "myst.yml") for folder in folders_of(docs)):
        if (root / config).is_file():
            data = read_yaml(root, config)
            project = data.get("project") if isinstance(data, dict) else None
            toc = project.get("toc") if isinstance(project, dict) else None
            if isinstance(toc, list):
                ordered.extend(Listed(page, section, config) for page, section in
                               _entries(docs, posixpath.dirname(config), toc, None, 0))
    return ordered


def _entries(docs: set[str], folder: str, items: list, section: str | None,
             depth: int) -> list[tuple[str, str | None]]:
    pages: list[tuple[str, str | None]] = []
    if depth > MOST_DEPTH:
        return pages
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("file"), str):
            page = route_page(docs, folder, item["file"])
            pages.extend([(page, section)] if page else [])
        elif isinstance(item.get("pattern"), str):
            pages.extend((page, section) for page in _pattern(docs, folder, item["pattern"]))
        children = item.get("children")
        if isinstance(children, list):
            title = item.get("title")
            group = section_title(title) if isinstance(title, str) and "file" not in item else section
            pages.extend(_entries(docs, folder, children, group or section, depth + 1))
    return pages


def _pattern(docs: set[str], folder: str, pattern: str) -> list[str]:
    try:
        glob = compile_glob(posixpath.join(folder, pattern), anywhere=False)
    except InvalidGlob:
        return []
    return sorted(doc for doc in docs if glob.matches(doc))
