"""Folders read in one piece: the fourth step of the order's pipeline (see order/__init__.py), for
the documents no navigation lists.

Stage 1's inferred order ranks a folder's entries, but sibling folders that nothing tells apart
(no index lists them, no position, no kind in their names, no links between them) share their
ranks, so the sort key alone interleaves their pages by their places inside each folder — a
storage page, then a network page, then a storage page — which says nothing across folders. Authors
write a folder to be read as one part: here each folder stays in one piece, placed where its pages
come on average in the sort key's order. An order the signals already give (one folder's pages all
before another's) is kept, since its mean comes first too."""
from __future__ import annotations

from collections import defaultdict


def folders_in_one_piece(order: list[str]) -> dict[str, tuple[int, ...]]:
    """Each path of `order` → its place when every folder is read in one piece: at each level of
    the folder tree, a folder's entries (its pages, and its subfolders with all under them) by the
    mean place of their pages in `order`, ties by name. Compare the tuples to read in that order."""
    position = {path: index for index, path in enumerate(order)}
    places: dict[str, tuple[int, ...]] = {}
    pending: list[tuple[list[str], int, tuple[int, ...]]] = [(list(order), 0, ())]
    while pending:
        paths, depth, prefix = pending.pop()
        entries: dict[str, list[str]] = defaultdict(list)  # a page by its path, a subfolder by "name/"
        for path in paths:
            parts = path.split("/")
            entries[parts[depth] + "/" if depth < len(parts) - 1 else path].append(path)
        ranked = sorted(entries, key=lambda entry: (sum(map(position.__getitem__, entries[entry]))
                                                    / len(entries[entry]), entry))
        for rank, entry in enumerate(ranked):
            if entry.endswith("/"):
                pending.append((entries[entry], depth + 1, (*prefix, rank)))
            else:
                places[entry] = (*prefix, rank)
    return places
