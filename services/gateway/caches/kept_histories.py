"""Course histories kept between the requests that fold them: the commands that decide on the whole
history (`CourseCommands.execute_on_history`: the refresh manager's steps, edits; the others read
only the types they decide on) and the reads that answer from a history (`GET …/refresh`,
`…/versions`, a version's export, `…/events`, the estimates). The Versions panel polls
`GET …/refresh` every second while a refresh runs, and each answer folds the course's whole
history: read whole, a course of five versions (790 events) took 56 ms a poll to read and decode.
A kept history is brought up to date with what was stored after it instead — one batched read,
empty on most polls — so a request reads only what is new.

The log only grows, so a kept history plus what was stored after it is the history, as fresh as
`EventStore.load`'s (read to the stream leader's last message): a command still appends with the
sequence its read saw, and a conflict still sends it back to read again. What is kept is bounded
by the size of its events as JSON (the least recently read course goes first; a course larger than
the bound is read whole each time and pushes no other out), not by their count: one scan of 2,000 files weighs as much as
hundreds of progress events. In memory a history takes about 4.2 times its JSON (five versions of
the benchmark's course: 790 events, 1.26 MB of JSON, 5.2 MB of objects); weighing each event once
as it is kept costs 6 µs an event (4.7 ms for those 790, against 60 ms to read them)."""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable

from shared.bus.eventstore import EventStore, History
from shared.events import Event
from shared.pathway_parts import assembled


@dataclass
class _Kept:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one catch-up at a time per course
    history: History | None = None
    size: int = 0  # its events' JSON, in bytes


class KeptHistories:
    def __init__(self, store: EventStore, most_bytes: int) -> None:
        self._store = store
        self._most_bytes = most_bytes
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._bytes = 0  # the JSON size of every event kept

    async def load(self, course_id: str) -> History:
        """The course's history as `EventStore.load` reads it, from what is kept plus what is new."""
        if self._most_bytes <= 0:
            return await self._store.load(course_id)
        kept = self._kept.setdefault(course_id, _Kept())
        async with kept.lock:
            try:
                before = kept.history
                if before is None:
                    now = await self._store.load(course_id)
                    self._keep(course_id, kept, now, _size(now.events))
                else:
                    newer = await self._store.load_after(course_id, before.last_seq)
                    # An unreadable message adds no event but moves the sequence commands append after.
                    # A plan announced in parts may have its parts kept and its PathwaysGenerated new.
                    now = History(assembled(before.events + newer.events), newer.last_seq, before.forks) \
                        if newer.last_seq != before.last_seq else before
                    self._keep(course_id, kept, now, kept.size + _size(newer.events))
            finally:
                # Nothing kept (no such course, a failed read): no entry either, or asking for
                # unknown courses would fill the table with empty ones.
                if kept.history is None and self._kept.get(course_id) is kept:
                    del self._kept[course_id]
        # A list of its own: a caller changing its history must not change the one kept.
        return History(list(now.events), now.last_seq, now.forks)

    def holds(self, course_id: str) -> bool:
        """Whether the course's history is kept (read before and within the bound): bringing it up
        to date is one read of what is new."""
        kept = self._kept.get(course_id)
        return kept is not None and kept.history is not None

    @property
    def bytes_kept(self) -> int:
        return self._bytes

    @property
    def courses_kept(self) -> int:
        return len(self._kept)

    def _keep(self, course_id: str, kept: _Kept, history: History, size: int) -> None:
        if self._kept.get(course_id) is not kept or not history.events:  # let go meanwhile, or no course
            return
        if size > self._most_bytes:  # kept, it would push every other course out before itself
            self._bytes -= kept.size
            kept.history, kept.size = None, 0
            return
        self._bytes += size - kept.size
        kept.history, kept.size = history, size
        self._kept.move_to_end(course_id)
        while self._bytes > self._most_bytes and self._kept:
            _, oldest = self._kept.popitem(last=False)
            self._bytes -= oldest.size
            oldest.history, oldest.size = None, 0


def _size(events: Iterable[Event]) -> int:
    return sum(len(event.to_json()) for event in events)
