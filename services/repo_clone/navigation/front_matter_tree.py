"""An order from a front-matter key over the folder tree (Hugo's `weight`): each folder's index
page first, then its pages and sub-folders by the key (a folder by its index page's), pages
without one after, by title."""
from __future__ import annotations

import posixpath
from pathlib import Path

from shared.docs.front_matter import split_front_matter

from ..textfiles import read_checkout_text
from .common import Listed, number, section_title

_INDEX_STEMS = ("_index", "index", "README", "readme")
MOST_DEPTH = 40


def fields_of(root: Path, path: str) -> dict:
    return split_front_matter(read_checkout_text(root, path) or "")[0]


def folder_tree_order(root: Path, docs: set[str], key: str, source: str,
                      zero_is_unset: bool = False) -> list[Listed]:
    fields = {path: fields_of(root, path) for path in sorted(docs)}
    if sum(number(f.get(key)) is not None for f in fields.values()) < 2:
        return []

    def position(path: str) -> tuple:
        value = number(fields.get(path, {}).get(key))
        unset = value is None or (zero_is_unset and value == 0)
        title = str(fields.get(path, {}).get("linkTitle") or fields.get(path, {}).get("title") or path)
        return (unset, value or 0, title.casefold(), path)

    def index_of(folder: str) -> str | None:
        prefix = folder + "/" if folder else ""
        return next((path for path in sorted(docs) if path.startswith(prefix) and "/" not in path[len(prefix):]
                     and posixpath.splitext(path[len(prefix):])[0] in _INDEX_STEMS), None)

    def walk(folder: str, section: str | None, depth: int) -> list[Listed]:
        prefix = folder + "/" if folder else ""
        index = index_of(folder)
        ordered = [Listed(index, section, source)] if index else []
        children: list[tuple[tuple, str, bool]] = []
        for name in sorted({path[len(prefix):].split("/")[0] for path in docs if path.startswith(prefix)}):
            path = prefix + name
            if path == index:
                continue
            if path in docs:
                children.append((position(path), path, False))
            else:
                sub_index = index_of(path)
                children.append((position(sub_index) if sub_index else (True, 0, name.casefold(), path), path, True))
        for _, path, is_folder in sorted(children):
            if not is_folder:
                ordered.append(Listed(path, section, source))
            elif depth < MOST_DEPTH:
                sub_index = index_of(path)
                title = fields.get(sub_index, {}).get("title") if sub_index else None
                ordered.extend(walk(path, section_title(str(title)) if title else section, depth + 1))
        return ordered

    return walk("", None, 0)
