"""MkDocs `nav:` in `mkdocs.yml`, read line by line: every `- Title: path` or `- path` is a page,
every `- Section:` opens a section."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from shared import linear_regex

from ..textfiles import read_checkout_text
from .common import Entry, Listed, join_link, listed, section_title

FILES = ("mkdocs.yml", "mkdocs.yaml")


def read(root: Path, docs: set[str]) -> list[Listed]:
    source = next((name for name in FILES if (root / name).is_file()), "mkdocs.yml")
    return listed(mkdocs_navigation(root, docs), source)


_NAV_KEY = linear_regex.compile(r"^(nav|pages)\s*:\s*(#.*)?$")


def mkdocs_navigation(root: Path, docs: set[str]) -> list[Entry]:
    """Paths in `mkdocs.yml` `nav:`, nested sections flattened in order, under `docs_dir`, each
    with the innermost section holding it."""
    text = read_checkout_text(root, "mkdocs.yml") or read_checkout_text(root, "mkdocs.yaml")
    if not text:
        return []
    docs_dir = _top_level_value(text, "docs_dir") or "docs"
    entries = ((join_link(docs_dir, value), section) for value, section in _nav_values(_nav_block(text.splitlines())))
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
            sections.append((indent, section_title(_unquote(item.rstrip(":").strip()))))


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


