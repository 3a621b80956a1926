"""The scan over a clone's file listing (a clone writes only documentation to disk, git lists the
rest) finds what a walk of a whole checkout finds: the same folders skipped, the same include and
exclude globs, the same limits; and a listing nested thousands of folders deep is refused by the
depth limit, not by a RecursionError."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.repo_clone.scanner import MAX_FOLDER_DEPTH, ScanLimitExceeded, scan
from tests.support.gitrepos import write_files

FILES = {
    "README.md": "# Widget\n\nWidget makes widgets.\n",
    "mkdocs.yml": "site_name: Widget\nnav:\n  - guide/install.md\n",
    "docs/guide/install.md": "# Install\n\nRun the installer.\n",
    "docs/guide/usage.rst": "Usage\n=====\n\nCall it.\n",
    "docs/drafts/wip.md": "# Draft\n",
    "docs/empty.md": "",
    "src/widget.py": "def make():\n    return 1\n",
    "node_modules/lib/README.md": "# vendored\n",
    "build/out.txt": "built\n",
    "pkg/.git": "gitdir: ../.git/modules/pkg\n",
    "assets/logo.png": "\x89PNG not really\n",
}


@dataclass(frozen=True)
class Listed:
    path: str
    size: int
    is_symlink: bool


def every_file(root: Path) -> list[Listed]:
    """What git would list: every file and symlink, with no rule applied."""
    found = []
    for folder, dirs, names in os.walk(root):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            link = os.path.islink(path)
            found.append(Listed(relative, 0 if link else os.path.getsize(path), link))
    return found


@pytest.mark.parametrize("include, exclude", [((), ()), (["docs/**", "README.md"], ["drafts"]), (["*.md"], [])])
def test_a_listing_is_scanned_as_the_walk_of_the_same_files(tmp_path, include, exclude):
    write_files(tmp_path, FILES)
    os.symlink("/etc/passwd", tmp_path / "docs" / "passwd.md")
    os.symlink("guide", tmp_path / "docs" / "guide-link")
    walked = scan(tmp_path, include=include, exclude=exclude)
    listed = scan(tmp_path, include=include, exclude=exclude, listing=every_file(tmp_path))
    assert listed == walked
    assert not any(f.path.startswith(("node_modules/", "build/")) or f.path == "pkg/.git" for f in listed.files)


def test_a_listing_holds_the_limits_of_a_walk(tmp_path):
    write_files(tmp_path, FILES)
    with pytest.raises(ScanLimitExceeded, match="MAX_REPO_FILES=3"):
        scan(tmp_path, max_files=3, listing=every_file(tmp_path))
    deep = "/".join(["d"] * 5000) + "/page.md"
    with pytest.raises(ScanLimitExceeded, match=f"MAX_FOLDER_DEPTH={MAX_FOLDER_DEPTH}"):
        scan(tmp_path, listing=[Listed(deep, 10, False)])
