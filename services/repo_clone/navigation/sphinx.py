"""Sphinx `toctree` directives (reStructuredText and MyST), walked depth first from each root
document, each document under the caption or heading of the toctree listing it."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from shared import linear_regex
from shared.docs.formats import extensions_of
from shared.docs.headings import NAVIGATION_TITLES
from shared.repos.globs import InvalidGlob, compile_glob

from ..textfiles import read_checkout_text
from .common import HEADING, URL_SCHEME, Entry, Listed, join_link, section_title, without_closing_hashes

FILES = ("conf.py",)


def read(root: Path, docs: set[str]) -> list[Listed]:
    return [Listed(path, section, start) for start in _roots(root, docs)
            for path, section in _toctree_walk(root, docs, start)]


_RST_TOCTREE = linear_regex.compile(r"^(\s*)\.\.\s+toctree::")
_MYST_TOCTREE = linear_regex.compile(r"^\s*(`{3,}|:{3,})\s*\{toctree\}")
_EXPLICIT_TITLE = linear_regex.compile(r"^.*<([^<>]+)>\s*$")
# What Sphinx builds a toctree entry from (its source_suffix with MyST and myst-nb).
_SPHINX_SUFFIXES = extensions_of("restructuredtext", "markdown", "notebook", "text")
MOST_TOCTREE_GLOBS = 50


@dataclass(frozen=True)
class _Toctree:
    entries: list[str]
    is_glob: bool
    section: str | None  # its :caption:, else the heading it sits under
    under_title: bool  # no caption, and the section is the document's title (its first heading)


def sphinx_navigation(root: Path, docs: set[str]) -> list[Entry]:
    """Documents in toctree order, depth first, from each Sphinx root document: the `index`
    beside a `conf.py`, or every `index.rst` when there is no `conf.py` — the shallowest first, so
    `docs/index.rst` orders the book and `docs/deploying/index.rst` (which it includes) does not
    put its chapter before everything. A document's section is the caption or heading of the
    toctree listing it ("Tutorial" for the pages a tutorial's index lists), but not the root's
    title (the project's name), and else the section of the document listing it."""
    ordered: list[Entry] = []
    for start in _roots(root, docs):
        ordered.extend(_toctree_walk(root, docs, start))
    return ordered


def _roots(root: Path, docs: set[str]) -> list[str]:
    indexes = sorted((path for path in docs if posixpath.basename(path) in ("index.rst", "index.md")),
                     key=lambda path: (path.count("/"), path))
    roots = [path for path in indexes if (root / posixpath.dirname(path) / "conf.py").is_file()]
    return roots or [path for path in indexes if path.endswith(".rst")]


def _toctree_walk(root: Path, docs: set[str], start: str) -> list[Entry]:
    source_dir = posixpath.dirname(start)
    order: list[Entry] = []
    visited: set[str] = set()
    pending: list[Entry] = [(start, None)]
    while pending:
        document, section = pending.pop()
        if document in visited:
            continue  # toctrees may include each other in a loop
        visited.add(document)
        order.append((document, section))
        children = _toctree_children(root, docs, document, source_dir)
        pending.extend(reversed([(child, _child_section(tree, document == start) or section)
                                 for child, tree in children]))
    return order


def _child_section(tree: _Toctree, in_root: bool) -> str | None:
    # The root document's title is the project's name, not a part of the book.
    return None if in_root and tree.under_title else tree.section


def _toctree_children(root: Path, docs: set[str], document: str,
                      source_dir: str) -> list[tuple[str, _Toctree]]:
    text = read_checkout_text(root, document) or ""
    folder = posixpath.dirname(document)
    children: list[tuple[str, _Toctree]] = []
    globs = 0
    for tree in _toctrees(text, document.endswith(".md")):
        for entry in tree.entries:
            # A glob entry is matched against every document: a bounded number of them per file,
            # or a crafted index of thousands of `*` lines costs documents × lines.
            wildcard = tree.is_glob and any(char in entry for char in "*?[")
            globs += wildcard
            if not wildcard or globs <= MOST_TOCTREE_GLOBS:
                children.extend((child, tree) for child in
                                _toctree_targets(docs, folder, source_dir, entry, tree.is_glob))
    return children


# An rST section title is a line of text over an underline of one punctuation character repeated.
_RST_UNDERLINE_CHARS = frozenset("=-~^\"'`#*+<>:._")


def _is_rst_underline(line: str) -> bool:
    """Three or more of one underline character from the line's start, then only spaces or tabs."""
    underline = line.rstrip(" \t")
    return (len(underline) >= 3 and underline[0] in _RST_UNDERLINE_CHARS
            and underline.count(underline[0]) == len(underline))


def _heading_at(lines: list[str], index: int, is_markdown: bool) -> str | None:
    """The section title starting at lines[index], if one does (the line itself for MyST's `#`)."""
    line = lines[index]
    if is_markdown:
        heading = HEADING.match(line)
        return section_title(without_closing_hashes(heading.group(1))) if heading else None
    if (index + 1 < len(lines) and line.strip() and not line[:1].isspace()
            and not _is_rst_underline(line) and _is_rst_underline(lines[index + 1])):
        return section_title(line)
    return None


def _toctrees(text: str, is_markdown: bool) -> list[_Toctree]:
    """Each toctree's entries, :glob: flag and section. The scan resumes after a toctree's body, so
    every line is read once even in a file made of nothing but unclosed toctree openings."""
    lines = text.splitlines()
    pattern = _MYST_TOCTREE if is_markdown else _RST_TOCTREE
    trees = []
    index, title, heading = 0, None, None  # the document's first heading, the latest one
    while index < len(lines):
        found = _heading_at(lines, index, is_markdown)
        if found:
            title, heading = title or found, found
        match = pattern.match(lines[index])
        index += 1
        if match:
            entries, is_glob, caption, index = (_myst_body(lines, index, match.group(1)) if is_markdown
                                                else _rst_body(lines, index, len(match.group(1))))
            caption = caption if caption and caption.casefold() not in NAVIGATION_TITLES else None
            named = heading if heading and heading.casefold() not in NAVIGATION_TITLES else title  # title stands in
            trees.append(_Toctree(entries, is_glob, caption or named, caption is None and named == title))
    return trees


def _caption(item: str) -> str | None:
    """The title of a `:caption: …` option (or a MyST front-matter `caption: …`), else None."""
    name, separator, value = item.lstrip(":").partition(":")
    return section_title(value) if separator and name == "caption" else None


def _rst_body(lines: list[str], index: int, indent: int) -> tuple[list[str], bool, str | None, int]:
    """Entries, the :glob: flag, the caption and the end of a toctree directive whose `..` sits at
    `indent` and whose body starts at `index`."""
    entries, is_glob, caption = [], False, None
    while index < len(lines):
        line = lines[index]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        item = line.strip()
        is_glob = is_glob or item == ":glob:"
        caption = caption or (_caption(item) if item.startswith(":") else None)
        if item and not item.startswith(":"):
            entries.append(item)
        index += 1
    return entries, is_glob, caption, index


def _myst_body(lines: list[str], index: int, fence: str) -> tuple[list[str], bool, str | None, int]:
    """Entries, the :glob: flag, the caption and the end of a MyST ```{toctree} block closed by
    `fence`."""
    entries, is_glob, caption, in_front_matter = [], False, None, False
    while index < len(lines):
        item = lines[index].strip()
        index += 1
        if item == fence:
            break
        in_front_matter = in_front_matter != (item == "---")
        is_glob = is_glob or item in (":glob:", "glob:", "glob: true")
        caption = caption or (_caption(item) if item.startswith(":") or in_front_matter else None)
        if item and item != "---" and not in_front_matter and not item.startswith(":"):
            entries.append(item)
    return entries, is_glob, caption, index


def _toctree_targets(docs: set[str], folder: str, source_dir: str, entry: str,
                     is_glob: bool) -> list[str]:
    titled = _EXPLICIT_TITLE.match(entry)
    target = titled.group(1).strip() if titled else entry
    if target == "self" or URL_SCHEME.match(target):
        return []
    base = source_dir if target.startswith("/") else folder
    path = join_link(base, target.lstrip("/"))
    if path is None:
        return []
    if is_glob and any(char in target for char in "*?["):
        return _globbed(docs, path)
    return [candidate for candidate in (path, *(path + s for s in _SPHINX_SUFFIXES))
            if candidate in docs][:1]


def _globbed(docs: set[str], pattern: str) -> list[str]:
    """The documents a toctree's glob names, as Sphinx matches it (`*` within a folder, `**`
    across), in time linear in each name: an author's pattern never meets a backtracking regular
    expression (fnmatch took seconds on a hostile one). A pattern no glob can be names nothing."""
    try:
        glob = compile_glob(pattern, anywhere=False)
    except InvalidGlob:
        return []
    return sorted(doc for doc in docs if glob.matches(posixpath.splitext(doc)[0]))


