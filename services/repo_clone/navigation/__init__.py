"""The reading order a repository's own documentation navigation gives its documents.

One module per navigation format, each with `read(root, docs) -> list[Listed]` and `FILES`, the
navigation files it reads (gitignore-style patterns: the sparse clone writes them). `READERS`
holds them in order of precedence; a new format is one module and one line there.

Configuration is user content and is never executed: YAML goes through a safe loader that takes
unknown tags as plain values, TOML through `tomllib`, JavaScript/TypeScript through tree-sitter, read as literals
(`javascript.py`), Markdown and AsciiDoc lists line by line. An entry is kept only if it names a
scanned documentation file, which also discards URLs, labels and anything outside the checkout.

Each entry also carries its section where the navigation groups pages under a title (MkDocs
`- Section:` items, SUMMARY.md part headings, a toctree's caption, a sidebar group's label): the
authors' own name for what a run of pages teaches, which stage 3 uses to title its modules.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import (antora, awesome_pages, docsify, docusaurus, hugo, jekyll, jupyter_book, link_list, mkdocs, myst,
               nextra, quarto, sphinx, starlight, summary, vitepress, zensical)
from .common import MOST_SECTION_CHARS, Entry, Listed
from .docusaurus import docusaurus_navigation
from .mkdocs import mkdocs_navigation
from .sphinx import sphinx_navigation
from .summary import summary_navigation

__all__ = ["MOST_SECTION_CHARS", "NAVIGATION_FILE_PATTERNS", "READERS", "Entry", "Listed", "Navigation",
           "Reader", "docusaurus_navigation", "mkdocs_navigation", "navigation", "sphinx_navigation",
           "summary_navigation"]


@dataclass(frozen=True)
class Reader:
    name: str
    read: Callable[[Path, set[str]], list[Listed]]
    files: tuple[str, ...]  # the navigation files it reads, as gitignore-style patterns
    # Read only when no reader before it found a navigation: front-matter keys and a page of links
    # are weaker evidence than a navigation file, and would otherwise interleave with one.
    only_without_navigation: bool = False
    # Its files are a site's navigation and nothing to read (a SUMMARY.md, docsify's _sidebar.md,
    # Antora's nav.adoc: a list of links), unlike a page that holds a toctree or links among its prose.
    files_are_navigation_only: bool = False


READERS: tuple[Reader, ...] = (
    Reader("MkDocs nav", mkdocs.read, mkdocs.FILES),
    Reader("Zensical nav", zensical.read, zensical.FILES),
    Reader("MkDocs awesome-pages", awesome_pages.read, awesome_pages.FILES),
    Reader("VitePress sidebar", vitepress.read, vitepress.FILES),
    Reader("Starlight sidebar", starlight.read, starlight.FILES),
    Reader("Docusaurus sidebars", docusaurus.read, docusaurus.FILES),
    Reader("Nextra _meta", nextra.read, nextra.FILES),
    Reader("Antora nav", antora.read, antora.FILES, files_are_navigation_only=True),
    Reader("Quarto", quarto.read, quarto.FILES),
    Reader("Jupyter Book _toc.yml", jupyter_book.read, jupyter_book.FILES),
    Reader("MyST myst.yml toc", myst.read, myst.FILES),
    Reader("docsify sidebar", docsify.read, docsify.FILES, files_are_navigation_only=True),
    Reader("SUMMARY.md", summary.read, summary.FILES, files_are_navigation_only=True),
    Reader("Sphinx toctree", sphinx.read, sphinx.FILES),
    Reader("Hugo weight", hugo.read, hugo.FILES, only_without_navigation=True),
    Reader("Jekyll nav_order", jekyll.read, jekyll.FILES, only_without_navigation=True),
    Reader("page of links", link_list.read, link_list.FILES, only_without_navigation=True),
)

# Every navigation file a reader reads: what the sparse clone must write besides documentation.
NAVIGATION_FILE_PATTERNS: tuple[str, ...] = tuple(dict.fromkeys(
    pattern for reader in READERS for pattern in reader.files))


@dataclass(frozen=True)
class Navigation:
    order: list[str]  # documentation paths in the navigation's order
    sections: dict[str, str] = field(default_factory=dict)  # path → its section's title, if any
    sources: list[str] = field(default_factory=list)  # the navigation files the order comes from
    unlisted: list[str] = field(default_factory=list)  # documents a navigation exists for but does not list
    # Documentation files that are navigation only (Reader.files_are_navigation_only), read for
    # the order: no page of a course.
    navigation_files: list[str] = field(default_factory=list)


def navigation(root: Path, docs: set[str]) -> Navigation:
    """Documentation paths of `docs` in navigation order, readers in `READERS`' order; each path
    once, where it first appears, with the section it appears in there, and the files it came from.

    A site whose configuration names its navigation file (docsify's `index.html`) has that one
    navigation: a navigation file inside the site that no configuration uses (a stale GitBook
    `SUMMARY.md` beside the docsify sidebar) adds nothing there."""
    root = Path(os.path.realpath(root))
    first: dict[str, str | None] = {}
    sources: dict[str, None] = {}
    navigation_only: set[str] = set()
    sites: set[str] = set()  # folders of sites whose configuration names their navigation
    for reader in READERS:
        if reader.only_without_navigation and first:
            continue
        entries = reader.read(root, docs)
        for entry in entries:
            if reader.files_are_navigation_only and entry.source in docs:
                navigation_only.add(entry.source)  # used or not (a stale SUMMARY.md beside a sidebar)
            if entry.path in docs and (entry.site is not None or not _inside_any(entry.source, sites)):
                sources.setdefault(entry.source)
                first.setdefault(entry.path, entry.section)
        sites.update(entry.site for entry in entries if entry.site is not None and entry.path in docs)
    for path in navigation_only:
        first.pop(path, None)  # a sidebar listing itself ("[Home](_sidebar.md)") is still no page
    unlisted = sorted(docs - first.keys() - navigation_only) if first else []
    return Navigation(list(first), {path: section for path, section in first.items() if section},
                      list(sources), unlisted, sorted(navigation_only))


def _inside_any(path: str, folders: set[str]) -> bool:
    return any(folder == "" or path.startswith(folder + "/") for folder in folders)
