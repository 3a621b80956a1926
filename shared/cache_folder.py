"""Where a process keeps files it builds once and reads many times (stage 2's lexicons as SQLite
tables, the language detector's tables): shared by the processes of a machine, rebuilt when lost."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_folder(name: str) -> Path:
    """The folder `name` under $COURSEGEN_CACHE, else the user's cache folder ($XDG_CACHE_HOME or
    ~/.cache) under coursegen/, else the temporary folder's — the first that can be written."""
    candidates = [os.environ.get("COURSEGEN_CACHE", "")]
    candidates.append(os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "coursegen"))
    candidates.append(os.path.join(tempfile.gettempdir(), "coursegen-cache"))
    for candidate in filter(None, candidates):
        folder = Path(candidate).absolute() / name  # a file URI names an absolute path
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK | os.X_OK):
            return folder
    raise OSError(f"no folder to keep {name} in can be written: {candidates}")
