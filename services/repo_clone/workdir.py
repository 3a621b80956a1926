"""Where checkouts are made, and the clean-up of those left by a process that died mid-clone."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from shared.processes import process_alive

log = logging.getLogger(__name__)
PREFIX = "coursegen-clone-"


def work_root(configured: str | None) -> Path:
    root = Path(configured) if configured else Path(tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)
    return root


def checkout_prefix() -> str:
    """Checkout folders carry the owner's pid, so a sweep can tell abandoned ones apart."""
    return f"{PREFIX}{os.getpid()}-"


def sweep_abandoned(root: Path) -> int:
    """Remove checkouts whose owning process is gone (a crash skips TemporaryDirectory clean-up)."""
    removed = 0
    for folder in root.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            remove_tree(folder)
            log.info("removed checkout %s left by process %s", folder, pid)
            removed += 1
    return removed


def remove_tree(path: str | os.PathLike) -> None:
    """Delete a folder and everything in it, best effort, without following symlinks and without
    recursion: Python 3.11's shutil.rmtree recurses once per level, so a checkout nested 1,000
    folders deep raised RecursionError (at start-up, in the sweep) and was never removed."""
    pending, stuck = [os.fspath(path)], set()
    while pending:
        folder = pending[-1]
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            pending.pop()  # gone already, or unreadable: nothing more to do here
            continue
        subfolders = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path not in stuck:
                        subfolders.append(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass
        if subfolders:
            pending.extend(subfolders)  # emptied first; this folder is listed again afterwards
            continue
        pending.pop()
        try:
            os.rmdir(folder)
        except OSError:
            stuck.add(folder)  # left behind, and not listed again
