"""One `coursegen run` per data folder: an exclusive lock on `coursegen.lock` inside it.

Two systems on one folder share its NATS store and PostgreSQL cluster; the second nats-server
reads the stream back from an older point and the log of record loses events. The lock is an
flock, so the kernel drops it when the last process holding it dies, however it dies: a crashed
run never leaves a stale lock. The run hands the locked descriptor to the children that use the
folder (ops/tied_children.py), so the folder stays locked until every one of them has exited.
The file records who holds it (pid, and the URL once known) for the message a second run prints."""
from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from shared.processes import process_alive

LOCK_FILE = "coursegen.lock"


class DataFolderBusy(Exception):
    """Another run holds the folder; the message says where it runs and what to do instead."""


class DataLock:
    def __init__(self, root: Path, fd: int) -> None:
        self.root = root
        self._fd = fd

    @classmethod
    def acquire(cls, root: Path) -> "DataLock":
        """The lock on `root`, taken without waiting; DataFolderBusy if another run holds it, OSError
        (with the folder named) if the folder cannot be locked at all."""
        path = root / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise OSError(f"cannot open the lock file {path}: {error.strerror}") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataFolderBusy(_busy_message(root, _read_record(path))) from None
        except OSError as error:  # e.g. a file system without locks
            os.close(fd)
            raise OSError(f"cannot lock {path}: {error.strerror}") from error
        lock = cls(root, fd)
        lock.record(pid=os.getpid())
        return lock

    def fileno(self) -> int:
        return self._fd

    def record(self, **fields) -> None:
        """Replaces what the lock file says about this run (merged with what it already says)."""
        data = json.dumps({**_read_record(self.root / LOCK_FILE), **fields}).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def release(self) -> None:
        """Closes this process's descriptor; the lock ends when no child holds it either."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _read_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}  # being rewritten, or not ours: the message then says less
    return record if isinstance(record, dict) else {}


def _busy_message(root: Path, holder: dict) -> str:
    beside = f"data folder {root}; set COURSEGEN_DATA_DIR to run another beside it"
    pid, url = holder.get("pid"), holder.get("url")
    if isinstance(pid, int) and not process_alive(pid):
        return (f"coursegen (pid {pid}) has stopped, but its processes still hold the data folder {root} "
                f"while they shut down; try again in a moment, or set COURSEGEN_DATA_DIR to run another beside it")
    if url:
        return f"coursegen is already running at {url} ({beside})"
    return f"coursegen is already running, still starting (pid {pid}; {beside})"
