"""Nextra `_meta.{json,js,ts,tsx,jsx}`: in each folder, the order of the object's keys is the
order of its pages and sub-folders (a value is a title, or `{ title, type, display }`); entries it
does not name follow by name, as Nextra places them. Separators, links and hidden entries are not
pages."""
from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

from shared.docs.formats import is_document

from ..textfiles import read_checkout_text
from .common import Listed, folders_of, route_page, section_title
from .javascript import read_config, unwrap

FILES = ("_meta.json", "_meta.js", "_meta.ts", "_meta.tsx", "_meta.jsx")
MOST_DEPTH = 20


def _meta_file(root: Path, folder: str) -> str | None:
    return next((path for path in (posixpath.join(folder, name) for name in FILES) if (root / path).is_file()), None)


def _meta(root: Path, path: str) -> dict:
    if path.endswith(".json"):
        try:
            data = json.loads(read_checkout_text(root, path) or "")
        except ValueError:
            data = None
    else:
        data = unwrap(read_config(root, path).get("default"))
    return data if isinstance(data, dict) else {}


def read(root: Path, docs: set[str]) -> list[Listed]:
    with_meta = [folder for folder in folders_of(docs) if _meta_file(root, folder)]
    tops = [folder for folder in with_meta
            if not any(folder.startswith(other + "/") or (other == "" and folder) for other in with_meta)]
    ordered: list[Listed] = []
    for top in tops:
        ordered.extend(_folder(root, docs, top, None, 0))
    return ordered


def _title(value: Any, key: str) -> str | None:
    title = value.get("title") if isinstance(value, dict) else value
    return section_title(title) if isinstance(title, str) and title.strip() else section_title(key)


def _folder(root: Path, docs: set[str], folder: str, section: str | None, depth: int) -> list[Listed]:
    source = _meta_file(root, folder)
    meta = _meta(root, source) if source else {}
    prefix = folder + "/" if folder else ""
    names = {path[len(prefix):].split("/")[0] for path in docs if path.startswith(prefix)}
    # A key names a page (`key.mdx`), a folder (`key/`), or both: the page then opens the folder.
    keys = sorted({posixpath.splitext(name)[0] if is_document(name) else name for name in names
                   if not name.startswith("_")})
    order = [key for key in meta if key in keys] + [key for key in keys if key not in meta]
    ordered: list[Listed] = []
    for key in order:
        value = meta.get(key)
        if isinstance(value, dict) and (value.get("display") == "hidden" or value.get("type") in ("separator", "link")):
            continue
        page = next((prefix + name for name in sorted(names)
                     if is_document(name) and posixpath.splitext(name)[0] == key and prefix + name in docs), None)
        if page:
            ordered.append(Listed(page, section, source or folder))
        folder_path = prefix + key
        if folder_path in names_as_folders(docs, prefix, names) and depth < MOST_DEPTH:
            index = route_page(docs, folder_path, "")
            inner = _title(value, key) if key in meta else section_title(key)
            if index and not page and posixpath.dirname(index) == folder_path:
                ordered.append(Listed(index, inner, source or folder))
            ordered.extend(entry for entry in _folder(root, docs, folder_path, inner, depth + 1)
                           if entry.path != index or page)
    return ordered


def names_as_folders(docs: set[str], prefix: str, names: set[str]) -> set[str]:
    """The sub-folders (as checkout paths) among a folder's entry names."""
    return {prefix + name for name in names if prefix + name not in docs}
