"""One read answering every caller that asked while it was due — each caller still gets a value
read after it asked.

The answer cache (answer_cache.py) reads the read tables' version before every answer it serves:
under 32 concurrent requests that was one round trip to PostgreSQL per request, the pool's
connections taken in turn, and most of what a kept answer cost (measured: without the read, the
course list went from 0.57x to 1.06x a bare primary-key SELECT). Here callers that arrive while a
read is under way wait for the next one, which starts when that read ends and serves them all;
callers that arrive before a started read has begun to run (the same turn of the event loop) join
it. A value is never older than its caller's call — a read that began before a caller asked could
miss a write committed in between, so no caller is given one — and under load there is at most one
read in flight and one waiting, whatever the number of requests."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, Generic, TypeVar

T = TypeVar("T")


class SharedRead(Generic[T]):
    def __init__(self, read: Callable[[], Awaitable[T]]) -> None:
        self._read = read
        self._running: asyncio.Future[T] | None = None  # the read under way, for those who asked before it
        self._next: asyncio.Future[T] | None = None  # the read due next, for those who asked since
        self._begun = False  # whether the read under way has begun to run (it may have sent its query)
        self.reads = 0

    async def __call__(self) -> T:
        if self._running is not None and not self._begun:
            wanted = self._running  # started, not yet run: it reads after this call
        else:
            if self._next is None:
                self._next = asyncio.get_running_loop().create_future()
                # Nobody collects an outcome whose callers were all cancelled: say it was seen.
                self._next.add_done_callback(lambda f: f.cancelled() or f.exception())
            wanted = self._next
            if self._running is None:
                self._start()
        # One caller cancelled (its client went away) does not cancel the read for the others.
        return await asyncio.shield(wanted)

    def _start(self) -> None:
        self._running, self._next, self._begun = self._next, None, False
        self.reads += 1
        task = asyncio.ensure_future(self._begin())
        task.add_done_callback(self._finished)

    async def _begin(self) -> T:
        self._begun = True
        return await self._read()

    def _finished(self, task: asyncio.Task) -> None:
        running, self._running = self._running, None
        if running is not None and not running.done():
            if task.cancelled():
                running.cancel()
            elif task.exception() is not None:
                running.set_exception(task.exception())
            else:
                running.set_result(task.result())
        if self._next is not None:
            self._start()
