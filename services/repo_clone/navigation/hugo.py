"""Hugo: the `weight` front-matter key orders each section's pages (a section is a folder; its
`_index.md` opens it and its weight places the folder among its siblings). Pages without a weight
come after weighted ones, then by title, as Hugo sorts them. Read only when no navigation file
exists, and only where at least two pages carry a weight."""
from __future__ import annotations

from pathlib import Path

from .common import Listed
from .front_matter_tree import folder_tree_order

FILES: tuple[str, ...] = ()  # front matter of the documents themselves


def read(root: Path, docs: set[str]) -> list[Listed]:
    return folder_tree_order(root, docs, "weight", "Hugo weight front matter", zero_is_unset=True)

