"""A README or index page that is mostly a list of links to the other pages: the de facto
navigation of small projects. Read only when no navigation file exists."""
from __future__ import annotations

import posixpath
from pathlib import Path

from shared import linear_regex

from ..textfiles import read_checkout_text
from .common import (BLANK, HEADINGS, MARKDOWN_LINK, Listed, as_lines, route_page, section_title,
                     without_closing_hashes)

FILES: tuple[str, ...] = ()  # README/index pages are documentation already
# The list items of a whole page (each on its line): `- text`, `1. text`, `2) text`.
_LIST_ITEMS = linear_regex.compile(rf"^{BLANK}*(?:[-*+]|\d{{1,9}}[.)]){BLANK}+(.*)$", linear_regex.MULTILINE)
_INDEX_NAMES = ("readme.md", "index.md", "readme.rst", "index.mdx")
LEAST_LINKED_ITEMS = 3
LEAST_LINKED_SHARE = 0.5  # of the page's lines of text (headings and code aside)
LEAST_COVERED_SHARE = 0.5  # of the documentation, under the folder of a page that can be its navigation


def read(root: Path, docs: set[str]) -> list[Listed]:
    candidates = sorted((path for path in docs if posixpath.basename(path).lower() in _INDEX_NAMES),
                        key=lambda path: (path.count("/"), _INDEX_NAMES.index(posixpath.basename(path).lower())))
    tops = [p for p in candidates if not _has_index_above(p, candidates)]
    for page in [p for p in tops if _holds_most_of(posixpath.dirname(p), docs)][:5]:
        entries = _linked_pages(root, docs, page)
        if entries:
            return [Listed(page, None, page), *entries]
    return []


def _holds_most_of(folder: str, docs: set[str]) -> bool:
    """Whether `folder` holds most of the documentation: a navigation orders the documentation,
    and the index of one part of it (a folder of recipes listing its recipes) orders only that
    part — which the inferred reading order already reads it for (reading_order.py's hub pages)."""
    inside = sum(1 for path in docs if not folder or path.startswith(folder + "/"))
    return inside >= LEAST_COVERED_SHARE * len(docs)


def _has_index_above(page: str, index_pages: list[str]) -> bool:
    """Whether a folder above `page`'s has an index page: then `page` opens one part of the book,
    however many pages that part holds (a generated API reference can outnumber the rest)."""
    folder = posixpath.dirname(page)
    return any(_is_above(posixpath.dirname(other), folder) for other in index_pages)


def _is_above(folder: str, below: str) -> bool:
    """Whether `folder` holds `below` (strictly: a folder is not above itself)."""
    return folder != below and (not folder or below.startswith(folder + "/"))


def _linked_pages(root: Path, docs: set[str], page: str) -> list[Listed]:
    folder = posixpath.dirname(page)
    entries: list[Listed] = []
    text_lines = 0
    section: str | None = None
    in_code = False
    text = as_lines(read_checkout_text(root, page) or "")
    # Headings, list items and links are found by one pass over the page each, not by patterns
    # tried on every line: a line then costs a few string tests. A link stays on its line
    # (MARKDOWN_LINK), so the links in an item's text are those its line alone holds.
    headings = {heading.start(): heading for heading in HEADINGS.finditer(text)}
    items = {item.start(): item for item in _LIST_ITEMS.finditer(text)}
    links = MARKDOWN_LINK.finditer(text)
    link = next(links, None)
    start = 0
    for line in text.split("\n"):
        line_start, start = start, start + len(line) + 1
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or not line.strip():
            continue
        heading = headings.get(line_start)
        if heading:
            section = section_title(without_closing_hashes(heading.group(1)))
            continue
        text_lines += 1
        item = items.get(line_start)
        if item is None:
            continue
        while link is not None and link.start() < item.start(1):
            link = next(links, None)
        targets = []
        while link is not None and link.end() <= item.end(1):
            targets.append(link.group(1))
            link = next(links, None)
        linked = [target for target in (route_page(docs, folder, t.strip("<>")) for t in targets)
                  if target and target != page]
        entries.extend(Listed(target, section, page) for target in linked[:1])
    if len(entries) < LEAST_LINKED_ITEMS or len(entries) < LEAST_LINKED_SHARE * text_lines:
        return []
    return entries
