"""The files a checkout's documentation includes (`--8<--` snippets, `.. literalinclude::`, FastAPI's
`{* … *}`, …), so the snapshot holds them beside the documentation and stages 2 and 4 can show
them where the include stands (shared/docs/includes.py). They are mostly code outside the
documentation folders and globs (`docs_src/`, `examples/`), which the scan does not take.

Bounded, since a repository chooses what its documents name: only regular files inside the
checkout reached without a symlink, none in `.git` or an excluded path, text only, each at most
MAX_INCLUDED_FILE_BYTES, at most MAX_FILES files and MAX_TOTAL_BYTES in all, at most MAX_DEPTH
levels of files included by included files."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from shared.docs.includes import MAX_DEPTH, MAX_INCLUDED_FILE_BYTES, referenced_paths
from shared.repos.globs import PathScope

from .textfiles import read_checkout_text

MAX_FILES = 2_000
MAX_TOTAL_BYTES = 20_000_000


def included_files(root: Path, documents: Iterable[str], exclude: Iterable[str] | None = (),
                   check_out: Callable[[list[str]], None] | None = None) -> list[str]:
    """The repository paths, beside `documents`, that the documents include (directly or through
    included files), sorted; what the bounds leave out is shown as a note by the later stages.
    `check_out` writes the paths of each level into the checkout before they are read (a clone
    writes only documentation at first)."""
    real_root = Path(os.path.realpath(root))
    scope = PathScope((), exclude)
    known = set(documents)
    added: list[str] = []
    total = 0
    frontier = [(path, read_checkout_text(real_root, path)) for path in sorted(known)]
    for _ in range(MAX_DEPTH):
        wanted = []
        for including, text in frontier:
            for path in sorted(referenced_paths(including, text)) if text else ():
                if path not in known and _allowed(path, scope):
                    known.add(path)
                    wanted.append(path)
        if wanted and check_out is not None:
            check_out(wanted)
        following = []
        for path in wanted:
            included = read_checkout_text(real_root, path, MAX_INCLUDED_FILE_BYTES)
            if included is None:
                continue
            total += len(included.encode("utf-8", errors="replace"))
            if total > MAX_TOTAL_BYTES or len(added) >= MAX_FILES:
                return sorted(added)
            added.append(path)
            following.append((path, included))
        frontier = following
    return sorted(added)


def _allowed(path: str, scope: PathScope) -> bool:
    """Not in `.git`, and neither the file nor a folder holding it excluded by the user's globs."""
    parts = path.split("/")
    if ".git" in parts:
        return False
    return not any(scope.is_excluded("/".join(parts[:end])) for end in range(1, len(parts) + 1))
