"""The names created in one folder while a test runs, read afterwards, even of files deleted
meanwhile (Linux inotify through ctypes): proof that something was never written at all."""
from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

_IN_CREATE, _IN_MOVED_TO = 0x100, 0x80
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, length of the name that follows


class CreatedNames:
    def __init__(self, folder: Path):
        libc = ctypes.CDLL(None, use_errno=True)
        self._fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if libc.inotify_add_watch(self._fd, os.fsencode(folder), _IN_CREATE | _IN_MOVED_TO) < 0:
            os.close(self._fd)
            raise OSError(ctypes.get_errno(), f"cannot watch {folder}")
        self._names: set[str] = set()

    def names(self) -> set[str]:
        """Every name created in the folder (not below it) since the watch began."""
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return set(self._names)
            offset = 0
            while offset < len(data):
                _, _, _, length = _EVENT.unpack_from(data, offset)
                start = offset + _EVENT.size
                self._names.add(os.fsdecode(data[start:start + length].rstrip(b"\0")))
                offset = start + length

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> "CreatedNames":
        return self

    def __exit__(self, *_) -> None:
        self.close()
