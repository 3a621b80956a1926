"""Where checkouts are made, and the clean-up of those left by a process that died mid-clone."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
PREFIX = "coursegen-clone-"


def work_root(configured: str | None) -> Path:
    root = Path(configured) if configured else Path(tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)
    return root


def checkout_prefix() -> str:
    """Checkout folders carry the owner's pid, so a sweep can tell abandoned ones apart."""
    return f"{PREFIX}{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_abandoned(root: Path) -> int:
    """Remove checkouts whose owning process is gone (a crash skips TemporaryDirectory clean-up)."""
    removed = 0
    for folder in root.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            log.info("removed checkout %s left by process %s", folder, pid)
            removed += 1
    return removed
