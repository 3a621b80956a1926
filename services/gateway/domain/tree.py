"""The folder tree of a scanned repository, from the folders that hold files. Pure."""
from __future__ import annotations

from typing import Any, Iterable

ROOT = "."


def all_folders(file_folders: Iterable[str]) -> set[str]:
    """Every folder holding a file, and every ancestor of one, with the root as '.'."""
    folders = {ROOT}
    for folder in file_folders:
        parts = [] if folder == ROOT else folder.split("/")
        for depth in range(1, len(parts) + 1):
            folders.add("/".join(parts[:depth]))
    return folders


def nested(folders: set[str]) -> dict[str, Any]:
    """{"path": ".", "children": [{"path": "docs", "children": [...]}, ...]} sorted by path."""
    nodes = {path: {"path": path, "name": path.rsplit("/", 1)[-1], "children": []} for path in folders}
    for path in sorted(folders):
        if path != ROOT:
            parent = path.rsplit("/", 1)[0] if "/" in path else ROOT
            nodes[parent]["children"].append(nodes[path])
    return nodes[ROOT]
