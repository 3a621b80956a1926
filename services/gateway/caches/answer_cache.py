"""Answers of read-only GETs kept as the bytes sent, for as long as the read tables stay as they
were when the answer was built.

Every change to the read tables moves the projection's checkpoint row in the same transaction
(the projector, replay's swap, a re-projection), so the row's version — its stream sequence and
the transaction that wrote it (`xmin`, which differs even when a rebuild ends at the same
sequence) — names one state of the tables. An answer stored under a version is served again only
while a one-row primary-key read still finds that version: building it again (several queries,
the answer's models, its JSON) costs several times that read. An answer is stored under the
version read before it was built, so it is never older than that version; it may be newer, which
a client could have seen anyway.

Keys name everything an answer depends on besides the tables — the asking user, whether they are
an admin, the query's parameters — so one user is never served another's answer. Errors (a 404
for a course someone else owns) are never stored. Bounded: the least recently used answer goes
first once there are `max_entries` or `max_bytes`; an answer larger than `max_answer_bytes` (a
page of thousands of repository files) is sent and not kept, so one cannot push out hundreds of
small ones."""
from __future__ import annotations

from collections import OrderedDict
from typing import Awaitable, Callable, Hashable

ProjectionVersion = tuple[int, str]  # (stream_seq, xmin of the checkpoint row)
DEFAULT_ENTRIES = 4096
DEFAULT_BYTES = 16 * 2**20  # a list answer is about 11 KB, a status about 1 KB
DEFAULT_ANSWER_BYTES = 2**20  # 1,000 repository files are about 200 KB


class AnswerCache:
    def __init__(self, version: Callable[[], Awaitable[ProjectionVersion]], max_entries: int = DEFAULT_ENTRIES,
                 max_bytes: int = DEFAULT_BYTES, max_answer_bytes: int = DEFAULT_ANSWER_BYTES) -> None:
        if max_entries < 1 or max_bytes < 1 or max_answer_bytes < 1:
            raise ValueError(f"an answer cache needs room, got {max_entries} entries, {max_bytes} bytes "
                             f"and {max_answer_bytes} bytes an answer")
        self._version = version
        self._entries: OrderedDict[Hashable, tuple[ProjectionVersion, bytes]] = OrderedDict()
        self._max_entries, self._max_bytes, self._bytes = max_entries, max_bytes, 0
        self._max_answer_bytes = min(max_answer_bytes, max_bytes)
        self.hits = self.misses = 0

    async def answer(self, key: Hashable, build: Callable[[], Awaitable[bytes]]) -> bytes:
        """The answer stored under `key` for the tables' current version, else `build()`'s (stored
        when it fits). Whatever `build` raises goes to the caller and nothing is stored."""
        version = await self._version()
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]
        self.misses += 1
        body = await build()
        self._store(key, version, body)
        return body

    def _store(self, key: Hashable, version: ProjectionVersion, body: bytes) -> None:
        if len(body) > self._max_answer_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1])
        self._entries[key] = (version, body)
        self._bytes += len(body)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes
