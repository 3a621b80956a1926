"""MkDocs awesome-pages: with the `awesome-pages` plugin in `mkdocs.yml` and no `nav:`, each
folder's `.pages` orders it (`nav:` or the older `arrange:`; `...` stands for the entries it does
not name, in MkDocs' order; `Section: [entries]` is a section nested where it is written), and
folders without one follow MkDocs' order (index first, then by name)."""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from shared.docs.formats import is_document

from .common import Listed, read_yaml, section_title

FILES = (".pages", "mkdocs.yml", "mkdocs.yaml")
MOST_DEPTH = 40
_INDEX_NAMES = ("index.md", "README.md", "readme.md")


def read(root: Path, docs: set[str]) -> list[Listed]:
    config_name = next((name for name in ("mkdocs.yml", "mkdocs.yaml") if (root / name).is_file()), None)
    config = read_yaml(root, config_name) if config_name else None
    if not isinstance(config, dict) or config.get("nav") or not _uses_plugin(config.get("plugins")):
        return []
    docs_dir = config["docs_dir"] if isinstance(config.get("docs_dir"), str) else "docs"
    docs_dir = posixpath.normpath(docs_dir).strip("/")
    return _folder(root, docs, "" if docs_dir == "." else docs_dir, None, 0)


def _uses_plugin(plugins: Any) -> bool:
    names = plugins if isinstance(plugins, list) else list(plugins) if isinstance(plugins, dict) else []
    return any((next(iter(name), None) if isinstance(name, dict) else name) == "awesome-pages" for name in names)


def _children(docs: set[str], folder: str) -> list[str]:
    """The names of `folder`'s documents and of its sub-folders holding documents, in MkDocs' order."""
    prefix = folder + "/" if folder else ""
    names = {path[len(prefix):].split("/")[0] for path in docs if path.startswith(prefix)}
    return sorted(names, key=lambda name: (name not in _INDEX_NAMES, name.casefold()))


def _folder(root: Path, docs: set[str], folder: str, section: str | None, depth: int) -> list[Listed]:
    if depth > MOST_DEPTH:
        return []
    pages_file = posixpath.join(folder, ".pages")
    settings = read_yaml(root, pages_file) if (root / pages_file).is_file() else None
    settings = settings if isinstance(settings, dict) else {}
    if settings.get("hide") is True:
        return []
    title = settings.get("title")
    section = section_title(title) if isinstance(title, str) else section
    source = pages_file if settings else "mkdocs.yml"
    children = _children(docs, folder)
    arranged = settings.get("nav") if isinstance(settings.get("nav"), list) else settings.get("arrange")
    listing = arranged if isinstance(arranged, list) else ["..."]
    named = _names(listing, 0)
    rest = [name for name in children if name not in named]
    return _entries(root, docs, folder, listing, section, source, (children, rest), depth)


def _names(listing: list, depth: int) -> set[str]:
    """Every child name a `nav:` names, nested sections' included: `...` stands for the others."""
    names: set[str] = set()
    for item in listing if depth <= MOST_DEPTH else []:
        value = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else item
        if isinstance(value, str):
            names.add(value.strip().rstrip("/"))
        elif isinstance(value, list):
            names |= _names(value, depth + 1)
    return names


def _entries(root: Path, docs: set[str], folder: str, listing: list, section: str | None, source: str,
             children_and_rest: tuple[list[str], list[str]], depth: int) -> list[Listed]:
    """The documents of a `nav:` list in the order written: a name, `Title: name`, `...` (the
    children no entry names) and `Section: [entries]`, a section nested where it stands."""
    children, rest = children_and_rest
    ordered: list[Listed] = []
    for item in listing if depth <= MOST_DEPTH else []:
        title: str | None = None
        if isinstance(item, dict) and len(item) == 1:
            key, item = next(iter(item.items()))
            title = str(key)
        if isinstance(item, list):  # a section of the nav: its entries where it is written
            inner = section_title(title) if title else None
            ordered.extend(_entries(root, docs, folder, item, inner or section, source, children_and_rest,
                                   depth + 1))
            continue
        if not isinstance(item, str):
            continue
        name = item.strip()
        for child in (rest if name == "..." else [name.rstrip("/")]):
            path = posixpath.join(folder, child) if folder else child
            if path in docs:
                ordered.append(Listed(path, section, source))
            elif child in children and not is_document(child):
                inner = section_title(title) if title else None
                ordered.extend(_folder(root, docs, path, inner or section, depth + 1))
    return ordered
