"""Resolving a link written in one document to another document of the corpus, the way the
documentation's own tool would: relative to the linking file (`../guide/install.md#x` from
`docs/a.md` → `guide/install.md`), root-relative (`/guide/install`), without an extension
(Sphinx `:doc:` and toctree, mkdocs, Antora), to a built page (`install.html`), to a folder's
index or README, or to the same page in another source format (`xref:install.adoc` → `install.md`)."""
from __future__ import annotations

import posixpath
from urllib.parse import unquote

from shared import linear_regex
from shared.docs.formats import DOC_EXTENSIONS

_BUILT_EXTENSIONS = (".html", ".htm")
_INDEX_NAMES = ("index", "README", "readme", "_index")
_SCHEME = linear_regex.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def normalise_path(path: str) -> str:
    path = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    return "" if path == "." else path


def resolve_link(from_path: str, target: str, paths: frozenset[str],
                 folded: dict[str, str]) -> str | None:
    """The corpus path `target` points at, or None (external, anchor-only, missing). `folded`
    maps lower-cased paths to paths, for links written with the wrong case."""
    target = unquote(target.strip()).split("#", 1)[0].split("?", 1)[0].strip()
    if not target or _SCHEME.match(target):
        return None
    for base in _bases(from_path, target):
        for candidate in _candidates(base, target.endswith("/")):
            found = candidate if candidate in paths else folded.get(candidate.lower())
            if found:
                return found
    return None


def _bases(from_path: str, target: str) -> list[str]:
    if target.startswith("/"):
        # Root-relative: the repository root, or the documentation root (the linking file's
        # top folders: mkdocs and Sphinx resolve "/x" against docs/).
        folders = posixpath.dirname(from_path).split("/") if "/" in from_path else []
        roots = [""] + ["/".join(folders[:depth]) for depth in range(1, len(folders) + 1)]
        return [normalise_path(posixpath.join(root, target.lstrip("/"))) for root in roots]
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), target))
    if joined.startswith(".."):
        return []  # outside the repository
    return [normalise_path(joined)]


def _candidates(base: str, is_folder: bool) -> list[str]:
    if not base:
        return [f"{name}{extension}" for name in _INDEX_NAMES for extension in DOC_EXTENSIONS]
    stem, extension = posixpath.splitext(base)
    index_pages = [f"{base}/{name}{other}" for name in _INDEX_NAMES for other in DOC_EXTENSIONS]
    if is_folder:
        return index_pages
    if extension.lower() in _BUILT_EXTENSIONS + DOC_EXTENSIONS:
        return [base] + [stem + other for other in DOC_EXTENSIONS]  # the source, any format
    return [base] + [base + other for other in DOC_EXTENSIONS] + index_pages
