"""The reading order a repository's own documentation navigation gives its documents.

Four conventions are understood: MkDocs `nav:` in `mkdocs.yml`, mdBook/GitBook `SUMMARY.md`,
Sphinx `toctree` directives (reStructuredText and MyST) and Docusaurus sidebars. None of them is
executed or fully parsed: the configuration files are user content, so each is read with a small
purpose-built reader that looks for paths and ignores everything else. An entry is kept only if it
names a scanned documentation file, which also discards URLs, labels and anything outside the
checkout.

Each entry also carries its section where the navigation groups pages under a title (MkDocs
`- Section:` items, SUMMARY.md part headings, the heading or `:caption:` a toctree sits under): the
authors' own name for what a run of pages teaches, which stage 3 uses to title its modules.
"""
from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from shared import linear_regex
from shared.docs.formats import extensions_of
from shared.docs.headings import NAVIGATION_TITLES
from shared.repos.globs import InvalidGlob, compile_glob

from .textfiles import read_checkout_text

_URL_SCHEME = linear_regex.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MOST_SECTION_CHARS = 120  # a section title longer than this is cut (it names, it does not explain)

Entry = tuple[str, str | None]  # a document's path and the title of the section listing it


@dataclass(frozen=True)
class Navigation:
    order: list[str]  # documentation paths in the navigation's order
    sections: dict[str, str] = field(default_factory=dict)  # path → its section's title, if any


def navigation(root: Path, docs: set[str]) -> Navigation:
    """Documentation paths of `docs` in navigation order: MkDocs first, then SUMMARY.md files,
    Sphinx toctrees and Docusaurus sidebars; each path once, where it first appears, with the
    section it appears in there."""
    root = Path(os.path.realpath(root))
    first: dict[str, str | None] = {}
    for source in (mkdocs_navigation, summary_navigation, sphinx_navigation,
                   docusaurus_navigation):
        for path, section in source(root, docs):
            if path in docs:
                first.setdefault(path, section)
    return Navigation(list(first), {path: section for path, section in first.items() if section})


# A link's text without its target; neither part can hold what opens the next try (linear time).
_LINKED_TEXT = linear_regex.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)")


def _section(title: str) -> str | None:
    """A section title as plain text: a heading's link reads as its text, without code or emphasis marks."""
    title = _LINKED_TEXT.sub(r"\1", title)
    title = " ".join(title.replace("`", "").replace("*", "").split()).strip(" :")
    return title[:MOST_SECTION_CHARS] or None


def _join(folder: str, link: str) -> str | None:
    """`link` relative to `folder` as a normalised checkout path; None if it leaves the checkout
    or is a URL."""
    if _URL_SCHEME.match(link) or link.startswith(("/", "#")):
        return None
    path = posixpath.normpath(posixpath.join(folder, unquote(link.split("#")[0].split("?")[0])))
    return None if path == "." or path.startswith("../") or path == ".." else path


# --- MkDocs -----------------------------------------------------------------------------------

_NAV_KEY = linear_regex.compile(r"^(nav|pages)\s*:\s*(#.*)?$")


def mkdocs_navigation(root: Path, docs: set[str]) -> list[Entry]:
    """Paths in `mkdocs.yml` `nav:`, nested sections flattened in order, under `docs_dir`, each
    with the innermost section holding it."""
    text = read_checkout_text(root, "mkdocs.yml") or read_checkout_text(root, "mkdocs.yaml")
    if not text:
        return []
    docs_dir = _top_level_value(text, "docs_dir") or "docs"
    entries = ((_join(docs_dir, value), section) for value, section in _nav_values(_nav_block(text.splitlines())))
    return [(path, section) for path, section in entries if path]


def _top_level_value(text: str, key: str) -> str | None:
    match = linear_regex.search(rf"^{key}\s*:(.*)$", text, linear_regex.MULTILINE)
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


def _nav_values(lines: list[str]) -> Iterator[tuple[str, str | None]]:
    # Depth does not change the order of the leaves: every `- Title: path` or `- path` line is a
    # page, every `- Section:` line opens a section, which holds the lines indented deeper.
    sections: list[tuple[int, str | None]] = []  # (indent of the `- Section:` line, its title)
    for line in lines:
        stripped = _strip_comment(line)
        item = stripped.strip()
        if not item:
            continue
        indent = len(stripped) - len(stripped.lstrip())
        while sections and sections[-1][0] >= indent:
            sections.pop()
        item = item[1:].strip() if item.startswith("-") else item
        value = _mapping_value(item) if item else None
        if value:
            yield _unquote(value), sections[-1][1] if sections else None
        elif stripped.lstrip().startswith("-") and item.endswith(":"):
            sections.append((indent, _section(_unquote(item.rstrip(":").strip()))))


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

# A link's target (in angle brackets or bare), after its text and before an optional title.
_MARKDOWN_LINK = linear_regex.compile(r"\[[^\[\]\n]*\]\(\s*(<[^<>\n]+>|[^()\[\]\s]+)"
                                      r"(?:\s+[\"'][^\[\n]{0,300}?[\"'])?\s*\)")


_HEADING = linear_regex.compile(r"^ {0,3}#{1,6}[ \t]+(.*)$")


def _without_closing_hashes(text: str) -> str:
    """An ATX heading's text without its optional closing sequence ("Part ##"), "C#" kept."""
    text = text.rstrip()
    bare = text.rstrip("#")
    return bare.rstrip() if bare != text and (not bare or bare[-1] in " \t") else text


def summary_navigation(root: Path, docs: set[str]) -> list[Entry]:
    """Markdown links of every SUMMARY.md, in order, relative to the SUMMARY's folder, each with
    the part heading (`# User Guide`) above it."""
    ordered: list[Entry] = []
    for summary in sorted(path for path in docs if posixpath.basename(path).lower() == "summary.md"):
        text = read_checkout_text(root, summary) or ""
        folder = posixpath.dirname(summary)
        section = None
        for line in text.splitlines():
            heading = _HEADING.match(line)
            if heading:  # its links, if any, belong to the part it opens
                title = _section(_without_closing_hashes(heading.group(1)))
                # A heading naming the list ("# Summary"), not what its pages teach: no section.
                section = None if title and title.casefold() in NAVIGATION_TITLES else title
            links = (_join(folder, link.strip("<>")) for link in _MARKDOWN_LINK.findall(line))
            ordered.extend((link, section) for link in links if link)
    return ordered


# --- Sphinx toctree -------------------------------------------------------------------------------

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
    indexes = sorted((path for path in docs if posixpath.basename(path) in ("index.rst", "index.md")),
                     key=lambda path: (path.count("/"), path))
    roots = [path for path in indexes if (root / posixpath.dirname(path) / "conf.py").is_file()]
    roots = roots or [path for path in indexes if path.endswith(".rst")]
    ordered: list[Entry] = []
    for start in roots:
        ordered.extend(_toctree_walk(root, docs, start))
    return ordered


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
    children, globs = [], 0
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
        heading = _HEADING.match(line)
        return _section(_without_closing_hashes(heading.group(1))) if heading else None
    if (index + 1 < len(lines) and line.strip() and not line[:1].isspace()
            and not _is_rst_underline(line) and _is_rst_underline(lines[index + 1])):
        return _section(line)
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
    return _section(value) if separator and name == "caption" else None


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
    if target == "self" or _URL_SCHEME.match(target):
        return []
    base = source_dir if target.startswith("/") else folder
    path = _join(base, target.lstrip("/"))
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


# --- Docusaurus sidebars --------------------------------------------------------------------------

# A doc id is a quoted string that is a list item or the value of an `id` key; a quoted string
# followed by ':' is a key (a category label), and other values are types, labels and links. What
# follows the string (blanks, then anything but ':') is matched too, so the next search starts
# again right after the string: that character may open the next id.
_DOC_ID = linear_regex.compile(r"""(?:[\[,]|\bid['"]?\s*:)\s*"""
                               r"""(?:'([^'\\\n\[,]+)'|"([^"\\\n\[,]+)"|`([^`\\\n\[,]+)`)\s*(?:[^\s:]|$)""")
_SIDEBAR_FILES = ("sidebars.js", "sidebars.ts", "sidebars.json", "website/sidebars.js",
                  "website/sidebars.json")


def docusaurus_navigation(root: Path, docs: set[str]) -> list[Entry]:
    """Doc ids of the sidebars in order, as `docs/<id>.md` or `.mdx` (beside the sidebars file,
    or at the top of the checkout for Docusaurus 1's `website/`). Categories are not read: a
    sidebar's documents carry no section."""
    ordered: list[Entry] = []
    for sidebars in _SIDEBAR_FILES:
        text = read_checkout_text(root, sidebars) or ""
        doc_folders = dict.fromkeys((posixpath.join(posixpath.dirname(sidebars), "docs"), "docs"))
        for doc_id in _doc_ids(text):
            ordered.extend((path, None) for path in _docusaurus_doc(docs, doc_folders, doc_id))
    return ordered


def _doc_ids(text: str) -> list[str]:
    """The doc ids of a sidebars file, in order."""
    stand_in = _ascii_stand_in(text)
    ids: list[str] = []
    at = 0
    while match := _DOC_ID.search(stand_in, at):
        group = next(group for group in (1, 2, 3) if match.start(group) >= 0)
        ids.append(text[match.start(group):match.end(group)])
        at = match.end(group) + 1  # past the closing quote
    return ids


def _ascii_stand_in(text: str) -> str:
    """`text` with every non-ASCII character replaced by an ASCII one of its kind for `_DOC_ID` (a
    blank, a word character or another character), so offsets stay the same. Searching ASCII
    text again from an earlier offset costs nothing, and `\\b` then sees words as Python does."""
    if text.isascii():
        return text
    return "".join(char if char.isascii() else " " if char.isspace() else "a" if char.isalnum() or char == "_"
                   else "~" for char in text)


def _docusaurus_doc(docs: set[str], doc_folders: dict[str, None], doc_id: str) -> list[str]:
    for folder in doc_folders:
        path = _join(folder, doc_id)
        for candidate in (path, f"{path}.md", f"{path}.mdx") if path else ():
            if candidate in docs:
                return [candidate]
    return []
