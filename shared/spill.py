"""Objects set aside on disk until they are wanted again, so a run of any size holds a bounded number
of them: stage 2's parsed documents that wait for the provider past the few kept in memory, its
analyses that wait for the corpus and its corpus's phrases of each document; stage 4's parsed sources, each read back when a module is written."""
from __future__ import annotations

import os
import pickle
import tempfile
import threading
import zlib
from dataclasses import dataclass
from typing import Any

# zlib's fastest level: a parsed document (its text, sections and words) shrinks about sevenfold
# for a fraction of a millisecond.
_LEVEL = 1


@dataclass(frozen=True, slots=True)
class Spilled:
    """Where one object lies in the file."""
    offset: int
    length: int


class SpillFile:
    """An unnamed temporary file (gone when closed, or when the process ends) that any thread may
    append to and read from. Only this process's own objects are read back."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="coursegen-spill-")
        self._end = 0
        self._lock = threading.Lock()
        self.count = 0  # objects put, for a caller that reports how many waited on disk

    def put(self, item: Any) -> Spilled:
        return self.put_bytes(zlib.compress(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL), _LEVEL))

    def take(self, where: Spilled) -> Any:
        return pickle.loads(zlib.decompress(self.read_bytes(where)))

    def put_bytes(self, data: bytes) -> Spilled:
        """`data` as it is (for bytes that neither need pickling nor compress: digests)."""
        with self._lock:
            offset = self._end
            self._end += len(data)
            self.count += 1
        os.pwrite(self._file.fileno(), data, offset)
        return Spilled(offset, len(data))

    def read_bytes(self, where: Spilled) -> bytes:
        """What `put_bytes` stored there; as often as asked."""
        return os.pread(self._file.fileno(), where.length, where.offset)

    def close(self) -> None:
        self._file.close()
