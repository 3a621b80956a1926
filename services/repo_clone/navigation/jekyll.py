"""Jekyll with just-the-docs: `nav_order` front matter orders pages among their siblings, and
`parent:` (a page's title) nests a page under another. Pages without `nav_order` follow, by title.
Pages with `nav_exclude: true` are not in the navigation. Read only when no navigation file exists,
and only where at least two pages carry a `nav_order`."""
from __future__ import annotations

from pathlib import Path

from .common import Listed, number, section_title
from .front_matter_tree import fields_of

FILES = ("_config.yml",)
MOST_DEPTH = 10


def read(root: Path, docs: set[str]) -> list[Listed]:
    fields = {path: fields_of(root, path) for path in sorted(docs)}
    if sum(number(f.get("nav_order")) is not None for f in fields.values()) < 2:
        return []
    shown = {path: f for path, f in fields.items() if str(f.get("nav_exclude", "")).lower() != "true"}

    def position(path: str) -> tuple:
        value = number(shown[path].get("nav_order"))
        return (value is None, value or 0, str(shown[path].get("title") or path).casefold(), path)

    def children_of(parent: str | None) -> list[str]:
        return sorted((path for path, f in shown.items() if (str(f["parent"]) if f.get("parent") else None) == parent),
                      key=position)

    ordered: list[Listed] = []
    placed: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for path in children_of(parent):
            if path in placed or depth > MOST_DEPTH:
                continue
            placed.add(path)
            ordered.append(Listed(path, section_title(parent) if parent else None, "nav_order front matter"))
            title = shown[path].get("title")
            if title:
                walk(str(title), depth + 1)

    walk(None, 0)
    return ordered
