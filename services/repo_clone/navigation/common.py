"""What the navigation readers share: a link as a checkout path, a route as a document, a section
title as plain text, YAML read safely, and front matter as data."""
from __future__ import annotations

import logging
import posixpath
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

import yaml

from shared import linear_regex
from shared.docs.formats import DOC_EXTENSIONS

from ..textfiles import read_checkout_text

log = logging.getLogger(__name__)

URL_SCHEME = linear_regex.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MOST_SECTION_CHARS = 120  # a section title longer than this is cut (it names, it does not explain)
MOST_YAML_BYTES = 512_000  # a navigation file is a few kilobytes; beyond this it is not read

Entry = tuple[str, str | None]  # a document's path and the title of the section listing it


class Listed(NamedTuple):
    """A document a navigation file lists: its path, its section's title, the file listing it, and
    the folder of the site whose configuration points to that file (docsify's `index.html` names
    its sidebar), None when no site configuration is known to use the file."""
    path: str
    section: str | None
    source: str
    site: str | None = None


def listed(entries: list[Entry], source: str) -> list[Listed]:
    return [Listed(path, section, source) for path, section in entries]


# A link's text without its target; neither part can hold what opens the next try (linear time).
_LINKED_TEXT = linear_regex.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)")


def section_title(title: str) -> str | None:
    """A section title as plain text: a heading's link reads as its text, without code or emphasis marks."""
    if "](" in title:
        title = _LINKED_TEXT.sub(r"\1", title)
    title = " ".join(title.replace("`", "").replace("*", "").split()).strip(" :")
    return title[:MOST_SECTION_CHARS] or None


def join_link(folder: str, link: str) -> str | None:
    """`link` relative to `folder` as a normalised checkout path; None if it leaves the checkout
    or is a URL."""
    if (":" in link and URL_SCHEME.match(link)) or link.startswith(("/", "#")):  # no scheme without ":"
        return None
    path = posixpath.normpath(posixpath.join(folder, unquote(link.split("#")[0].split("?")[0])))
    return None if path == "." or path.startswith("../") or path == ".." else path


# Python's `\s` but the line break, spelled out (`[^\S\n]` needs what RE2 does not have).
BLANK = r"[\t\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# A link's target (in angle brackets or bare), after its text and before an optional title; all of
# it on its line, so a whole file can be searched at once and finds what each line alone would.
MARKDOWN_LINK = linear_regex.compile(rf"\[[^\[\]\n]*\]\({BLANK}*(<[^<>\n]+>|[^()\[\]\s]+)"
                                      rf"(?:{BLANK}+[\"'][^\[\n]{{0,300}}?[\"'])?{BLANK}*\)")


HEADING = linear_regex.compile(r"^ {0,3}#{1,6}[ \t]+(.*)$")
# The headings of a whole file, found by one pass (as each line alone would find its own).
HEADINGS = linear_regex.compile(HEADING.pattern, linear_regex.MULTILINE)


def as_lines(text: str) -> str:
    """`text` with its line breaks as splitlines() has them (\r, \u2028, …) made the \n a pattern
    searching a whole file ends a line at."""
    return "\n".join(text.splitlines())


def without_closing_hashes(text: str) -> str:
    """An ATX heading's text without its optional closing sequence ("Part ##"), "C#" kept."""
    text = text.rstrip()
    bare = text.rstrip("#")
    return bare.rstrip() if bare != text and (not bare or bare[-1] in " \t") else text




# --- Routes: a site's link to the document it is built from ------------------------------------

# The suffixes a site generator builds a page from, tried in this order for a link without one.
PAGE_SUFFIXES = DOC_EXTENSIONS
INDEX_NAMES = ("index", "README", "readme", "_index")


def route_page(docs: set[str], folder: str, route: str) -> str | None:
    """The document of `docs` a site route names, relative to `folder` (the site's page root; a
    leading `/` is that root too): `guide/intro`, `guide/intro.md`, `guide/intro.html`,
    `guide/` (its index) all name `guide/intro.md` or `guide/index.md`. None for a URL, an anchor
    alone, a route outside the checkout or one naming no document."""
    if not isinstance(route, str) or URL_SCHEME.match(route) or route.startswith(("#", "//")):
        return None
    route = unquote(route.split("#")[0].split("?")[0]).strip()
    if route.startswith("/"):
        route = route.lstrip("/")
    is_folder = route == "" or route.endswith("/")
    path = posixpath.normpath(posixpath.join(folder, route)) if route else (folder or ".")
    if path.startswith("../") or path == "..":
        return None
    path = "" if path == "." else path
    stem = path[:-5] if path.endswith(".html") else path
    files = [path, *(stem + suffix for suffix in PAGE_SUFFIXES)] if path else []
    indexes = [posixpath.join(stem, name + suffix) for name in INDEX_NAMES for suffix in PAGE_SUFFIXES]
    # `guide/` is the folder's index page, or (Starlight, pretty URLs) `guide.md` when there is none.
    candidates = [*indexes, *files[1:]] if is_folder else [*files, *indexes]
    return next((candidate for candidate in candidates if candidate in docs), None)


def docs_under(docs: set[str], folder: str) -> list[str]:
    """The documents of `docs` under `folder` ("" for all), at any depth, sorted."""
    prefix = folder.rstrip("/") + "/" if folder else ""
    return sorted(path for path in docs if path.startswith(prefix))


def folders_of(docs: set[str]) -> list[str]:
    """Every folder holding a document or a folder that does, shallowest first ("" is the checkout)."""
    folders = {""}
    for path in docs:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return sorted(folders, key=lambda folder: (folder.count("/") + bool(folder), folder))


# --- YAML read as data -----------------------------------------------------------------------------

class _TolerantLoader(yaml.SafeLoader):
    """PyYAML's safe loader, taking any tag it does not know (mkdocs.yml's `!!python/name:…` and
    `!ENV`) as the plain value written after it: nothing is constructed from a tag."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node | None = None) -> Any:
    node = node if node is not None else suffix  # add_multi_constructor passes the tag suffix first
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return None


_TolerantLoader.add_multi_constructor("!", _untagged)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


def parse_yaml(text: str, source: str) -> Any:
    """The data of YAML `text` (None if it is not YAML, with the reason logged)."""
    if len(text.encode()) > MOST_YAML_BYTES:
        log.info("navigation file %s is larger than %d bytes: not read", source, MOST_YAML_BYTES)
        return None
    try:
        return yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - a safe loader: no tag builds an object
    except (yaml.YAMLError, RecursionError) as error:
        log.info("navigation file %s is not valid YAML, not read: %s", source, str(error).split("\n")[0])
        return None


def read_yaml(root: Path, path: str) -> Any:
    text = read_checkout_text(root, path)
    return parse_yaml(text, path) if text is not None else None


_LONGEST_FRONT_MATTER_LINES = 300


def front_matter(root: Path, path: str) -> dict:
    """A document's YAML front matter as data ({} if none): nested keys too (`sidebar: order:`)."""
    text = read_checkout_text(root, path) or ""
    lines = text.lstrip("\ufeff\n").split("\n", _LONGEST_FRONT_MATTER_LINES + 1)
    if not lines or lines[0].strip() != "---":
        return {}
    for index in range(1, min(len(lines), _LONGEST_FRONT_MATTER_LINES)):
        if lines[index].strip() in ("---", "..."):
            try:
                data = yaml.load("\n".join(lines[1:index]), Loader=_TolerantLoader)  # noqa: S506
            except (yaml.YAMLError, RecursionError):
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def number(value: Any) -> float | None:
    """A finite number from a config or front-matter value, else None."""
    if isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result and abs(result) != float("inf") else None
