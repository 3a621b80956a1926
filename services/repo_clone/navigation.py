"""The reading order a repository's own documentation navigation gives its documents.

Four conventions are understood: MkDocs `nav:` in `mkdocs.yml`, mdBook/GitBook `SUMMARY.md`,
Sphinx `toctree` directives (reStructuredText and MyST) and Docusaurus sidebars. None of them is
executed or fully parsed: the configuration files are user content, so each is read with a small
purpose-built reader that looks for paths and ignores everything else. An entry is kept only if it
names a scanned documentation file, which also discards URLs, labels and anything outside the
checkout.
"""
from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from .textfiles import read_checkout_text

_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def navigation_order(root: Path, docs: set[str]) -> list[str]:
    """Documentation paths of `docs` in navigation order: MkDocs first, then SUMMARY.md files,
    Sphinx toctrees and Docusaurus sidebars; each path once, where it first appears."""
    root = Path(os.path.realpath(root))
    ordered: list[str] = []
    for source in (mkdocs_navigation, summary_navigation, sphinx_navigation,
                   docusaurus_navigation):
        ordered.extend(source(root, docs))
    return [path for path in dict.fromkeys(ordered) if path in docs]


def _join(folder: str, link: str) -> str | None:
    """`link` relative to `folder` as a normalised checkout path; None if it leaves the checkout
    or is a URL."""
    if _URL_SCHEME.match(link) or link.startswith(("/", "#")):
        return None
    path = posixpath.normpath(posixpath.join(folder, unquote(link.split("#")[0].split("?")[0])))
    return None if path == "." or path.startswith("../") or path == ".." else path


# --- MkDocs -----------------------------------------------------------------------------------

_NAV_KEY = re.compile(r"^(nav|pages)\s*:\s*(#.*)?$")


def mkdocs_navigation(root: Path, docs: set[str]) -> list[str]:
    """Paths in `mkdocs.yml` `nav:`, nested sections flattened in order, under `docs_dir`."""
    text = read_checkout_text(root, "mkdocs.yml") or read_checkout_text(root, "mkdocs.yaml")
    if not text:
        return []
    docs_dir = _top_level_value(text, "docs_dir") or "docs"
    entries = (_join(docs_dir, value) for value in _nav_values(_nav_block(text.splitlines())))
    return [entry for entry in entries if entry]


def _top_level_value(text: str, key: str) -> str | None:
    match = re.search(rf"^{key}\s*:(.*)$", text, re.MULTILINE)
    if not match:
        return None
    return _unquote(_strip_comment(match.group(1)).strip()) or None


def _nav_block(lines: list[str]) -> list[str]:
    """The lines of the `nav:` mapping: everything indented, or a list item, after the key."""
    start = next((i for i, line in enumerate(lines) if _NAV_KEY.match(line)), None)
    if start is None:
        return []
    block = []
    for line in lines[start + 1:]:
        if line[:1] not in ("", " ", "\t", "-", "#"):
            break  # the next top-level key
        block.append(line)
    return block


def _nav_values(lines: list[str]) -> Iterator[str]:
    # Depth does not change the order of the leaves, so indentation can be ignored: every
    # `- Title: path` or `- path` line is a page, every `- Section:` line opens a section.
    for line in lines:
        item = _strip_comment(line).strip()
        item = item[1:].strip() if item.startswith("-") else item
        value = _mapping_value(item) if item else None
        if value:
            yield _unquote(value)


def _mapping_value(item: str) -> str | None:
    """The page of a nav item: the value of `Title: page`, or the item itself if it is a scalar."""
    if item[:1] in ("'", '"'):
        return _quoted_item_value(item)
    _, separator, value = item.partition(": ")
    if separator:
        return value.strip() or None
    return None if item.endswith(":") else item


def _quoted_item_value(item: str) -> str | None:
    # The quotes let a title contain ": ", so the key ends at the closing quote.
    end = item.find(item[0], 1)
    if end < 0:
        return None
    rest = item[end + 1:].strip()
    if not rest:
        return item  # a quoted page path
    value = rest[1:].strip() if rest.startswith(":") else ""
    return value or None


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in ("'", '"') and (index == 0 or line[index - 1] in " \t:-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index]
    return line


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ("'", '"'):
        return value[1:-1]
    return value


# --- mdBook / GitBook SUMMARY.md ----------------------------------------------------------------

# No part of a link can contain the `[` that opens the next one and nothing gives characters back,
# so every attempt stops where the next begins: linear time. (The former pattern rescanned a line
# from every `[`: a crafted 2 MB SUMMARY.md held the interpreter for hours.)
_MARKDOWN_LINK = re.compile(r"\[[^\[\]\n]*+\]\(\s*+(<[^<>\n]++>|[^()\[\]\s]++)"
                            r"(?:\s++[\"'][^\[\n]{0,300}?[\"'])?\s*+\)")


def summary_navigation(root: Path, docs: set[str]) -> list[str]:
    """Markdown links of every SUMMARY.md, in order, relative to the SUMMARY's folder."""
    ordered = []
    for summary in sorted(path for path in docs if posixpath.basename(path).lower() == "summary.md"):
        text = read_checkout_text(root, summary) or ""
        folder = posixpath.dirname(summary)
        links = (_join(folder, link.strip("<>")) for link in _MARKDOWN_LINK.findall(text))
        ordered.extend(link for link in links if link)
    return ordered


# --- Sphinx toctree -------------------------------------------------------------------------------

_RST_TOCTREE = re.compile(r"^(\s*)\.\.\s+toctree::")
_MYST_TOCTREE = re.compile(r"^\s*(`{3,}|:{3,})\s*\{toctree\}")
_EXPLICIT_TITLE = re.compile(r"^.*<([^<>]+)>\s*$")
_SPHINX_SUFFIXES = (".rst", ".md", ".ipynb", ".txt")
MOST_TOCTREE_GLOBS = 50


def sphinx_navigation(root: Path, docs: set[str]) -> list[str]:
    """Documents in toctree order, depth first, from each Sphinx root document: the `index`
    beside a `conf.py`, or every `index.rst` when there is no `conf.py` — the shallowest first, so
    `docs/index.rst` orders the book and `docs/deploying/index.rst` (which it includes) does not
    put its chapter before everything."""
    indexes = sorted((path for path in docs if posixpath.basename(path) in ("index.rst", "index.md")),
                     key=lambda path: (path.count("/"), path))
    roots = [path for path in indexes if (root / posixpath.dirname(path) / "conf.py").is_file()]
    roots = roots or [path for path in indexes if path.endswith(".rst")]
    ordered = []
    for start in roots:
        ordered.extend(_toctree_walk(root, docs, start))
    return ordered


def _toctree_walk(root: Path, docs: set[str], start: str) -> list[str]:
    source_dir = posixpath.dirname(start)
    order, visited, pending = [], set(), [start]
    while pending:
        document = pending.pop()
        if document in visited:
            continue  # toctrees may include each other in a loop
        visited.add(document)
        order.append(document)
        pending.extend(reversed(_toctree_children(root, docs, document, source_dir)))
    return order


def _toctree_children(root: Path, docs: set[str], document: str, source_dir: str) -> list[str]:
    text = read_checkout_text(root, document) or ""
    folder = posixpath.dirname(document)
    children, globs = [], 0
    for entries, is_glob in _toctrees(text, document.endswith(".md")):
        for entry in entries:
            # A glob entry is matched against every document: a bounded number of them per file,
            # or a crafted index of thousands of `*` lines costs documents × lines.
            wildcard = is_glob and any(char in entry for char in "*?[")
            globs += wildcard
            if not wildcard or globs <= MOST_TOCTREE_GLOBS:
                children.extend(_toctree_targets(docs, folder, source_dir, entry, is_glob))
    return children


def _toctrees(text: str, is_markdown: bool) -> list[tuple[list[str], bool]]:
    """Each toctree's entries and :glob: flag. The scan resumes after a toctree's body, so every
    line is read once even in a file made of nothing but unclosed toctree openings."""
    lines = text.splitlines()
    pattern = _MYST_TOCTREE if is_markdown else _RST_TOCTREE
    trees = []
    index = 0
    while index < len(lines):
        match = pattern.match(lines[index])
        index += 1
        if match:
            entries, is_glob, index = (_myst_body(lines, index, match.group(1)) if is_markdown
                                       else _rst_body(lines, index, len(match.group(1))))
            trees.append((entries, is_glob))
    return trees


def _rst_body(lines: list[str], index: int, indent: int) -> tuple[list[str], bool, int]:
    """Entries, the :glob: flag and the end of a toctree directive whose `..` sits at `indent`
    and whose body starts at `index`."""
    entries, is_glob = [], False
    while index < len(lines):
        line = lines[index]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        item = line.strip()
        is_glob = is_glob or item == ":glob:"
        if item and not item.startswith(":"):
            entries.append(item)
        index += 1
    return entries, is_glob, index


def _myst_body(lines: list[str], index: int, fence: str) -> tuple[list[str], bool, int]:
    """Entries, the :glob: flag and the end of a MyST ```{toctree} block closed by `fence`."""
    entries, is_glob, in_front_matter = [], False, False
    while index < len(lines):
        item = lines[index].strip()
        index += 1
        if item == fence:
            break
        in_front_matter = in_front_matter != (item == "---")
        is_glob = is_glob or item in (":glob:", "glob:", "glob: true")
        if item and item != "---" and not in_front_matter and not item.startswith(":"):
            entries.append(item)
    return entries, is_glob, index


def _toctree_targets(docs: set[str], folder: str, source_dir: str, entry: str,
                     is_glob: bool) -> list[str]:
    titled = _EXPLICIT_TITLE.match(entry)
    target = titled.group(1).strip() if titled else entry
    if target == "self" or _URL_SCHEME.match(target):
        return []
    base = source_dir if target.startswith("/") else folder
    path = _join(base, target.lstrip("/"))
    if path is None:
        return []
    if is_glob and any(char in target for char in "*?["):
        return sorted(doc for doc in docs if fnmatch.fnmatch(posixpath.splitext(doc)[0], path))
    return [candidate for candidate in (path, *(path + s for s in _SPHINX_SUFFIXES))
            if candidate in docs][:1]


# --- Docusaurus sidebars --------------------------------------------------------------------------

# A doc id is a quoted string that is a list item or the value of an `id` key; a quoted string
# followed by ':' is a key (a category label), and other values are types, labels and links.
# A string never runs past the `[` or `,` that could open the next candidate, so each attempt
# stops where the next begins (linear time on a hostile sidebars file).
_DOC_ID = re.compile(r"""(?:[\[,]|\bid['"]?\s*:)\s*+"""
                     r"""(?:'([^'\\\n\[,]+)'|"([^"\\\n\[,]+)"|`([^`\\\n\[,]+)`)(?!\s*:)""")
_SIDEBAR_FILES = ("sidebars.js", "sidebars.ts", "sidebars.json", "website/sidebars.js",
                  "website/sidebars.json")


def docusaurus_navigation(root: Path, docs: set[str]) -> list[str]:
    """Doc ids of the sidebars in order, as `docs/<id>.md` or `.mdx` (beside the sidebars file,
    or at the top of the checkout for Docusaurus 1's `website/`)."""
    ordered = []
    for sidebars in _SIDEBAR_FILES:
        text = read_checkout_text(root, sidebars) or ""
        doc_folders = dict.fromkeys((posixpath.join(posixpath.dirname(sidebars), "docs"), "docs"))
        for doc_id in (next(filter(None, groups)) for groups in _DOC_ID.findall(text)):
            ordered.extend(_docusaurus_doc(docs, doc_folders, doc_id))
    return ordered


def _docusaurus_doc(docs: set[str], doc_folders: dict[str, None], doc_id: str) -> list[str]:
    for folder in doc_folders:
        path = _join(folder, doc_id)
        for candidate in (path, f"{path}.md", f"{path}.mdx") if path else ():
            if candidate in docs:
                return [candidate]
    return []
