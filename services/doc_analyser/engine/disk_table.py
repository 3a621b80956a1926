"""A read-only table of words (str → str) kept in an SQLite file rather than in a dict.

The tagger's and the lemmatizer's lexicons (lexicons.py) are 170 k words: as the libraries load
them, dicts of strings and tuples, they cost the stage 2 service about 50 MB for 4 MB of text. In
a file, a lookup reads a few pages, which the page cache keeps for every process that reads the
file: a service holds a small cache of the words it asks most, not the lexicon.

The file is built once per source (its path, size and modification time, and the table's format,
are in the file's name), in a cache folder, from the source's rows streamed in — never from a dict
of them — and written under another name then renamed, so two processes building at once both end
with a whole file. A folder that cannot be written is replaced by the temporary folder."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from shared.cache_folder import cache_folder as shared_cache_folder

# Bumped when the file's layout or a table's rows change meaning: the name changes, the file is rebuilt.
FORMAT = 1
# Words asked most, kept in memory: a text's words follow Zipf's law, a few thousand are most lookups.
REMEMBERED = 8_192
_PAGE_CACHE_KIB = 512  # per connection (SQLite's default is 2 MB)


def cache_folder() -> Path:
    """Where tables are kept (shared/cache_folder.py)."""
    return shared_cache_folder("tables")


class DiskTable:
    """`get(key)` → the values of the rows with that key, in the rows' order (a table keeps every
    row: a library's loader may let a later row replace or add to an earlier one), or None;
    `len()` → the keys. No value holds a newline."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._count = int(self._connection().execute("SELECT COUNT(*) FROM rows").fetchone()[0])
        self.get = lru_cache(maxsize=REMEMBERED)(self._read)

    @classmethod
    def of(cls, source: Path, name: str, rows: Callable[[], Iterable[tuple[str, str]]]) -> "DiskTable":
        """The table `name` of `source` (its rows: `rows()`), built on first use."""
        state = source.stat()
        identity = f"{FORMAT}:{source.resolve()}:{state.st_size}:{state.st_mtime_ns}"
        folder = cache_folder()
        path = folder / f"{name}-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.sqlite"
        if not path.exists():
            _build(path, rows())
        return cls(path)

    def _connection(self) -> sqlite3.Connection:
        # One per thread: a connection is used by the thread that opened it.
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro&immutable=1", uri=True,
                                         check_same_thread=True)
            connection.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
            self._local.connection = connection
        return connection

    def _read(self, key: str) -> tuple[str, ...] | None:
        found = self._connection().execute("SELECT value FROM rows WHERE key = ?", (key,)).fetchone()
        return None if found is None else tuple(found[0].split("\n"))

    def __len__(self) -> int:
        return self._count


def _checked(row: tuple[str, str]) -> tuple[str, str]:
    if "\n" in row[1]:
        raise ValueError(f"a table's value holds a newline: {row!r}")
    return row


def _build(path: Path, rows: Iterable[tuple[str, str]]) -> None:
    handle, partial = tempfile.mkstemp(prefix=path.name + ".", suffix=".partial", dir=path.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(partial)
        try:
            connection.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
            connection.execute("CREATE TABLE rows (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
            connection.executemany("INSERT INTO rows VALUES (?, ?) "
                                   "ON CONFLICT (key) DO UPDATE SET value = value || char(10) || excluded.value",
                                   map(_checked, rows))
            connection.commit()
        finally:
            connection.close()
        os.chmod(partial, 0o644)  # read by every process of the machine that looks it up
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
