"""Reads made on a scrape, at most once per interval: a scraper (or many, or a retrying one) must
not turn into load on NATS. Within the interval every caller gets the last read's answer; callers
that arrive while a read is in flight wait for that same read instead of starting their own."""
from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Generic, TypeVar

T = TypeVar("T")


class Throttle(Generic[T]):
    """One instance per thing read. A failed read counts as a read too: its error is the answer
    until the interval has passed, so a failing server is not asked again on every scrape."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval, self._clock = interval, clock
        self._read: asyncio.Future[T] | None = None
        self._started = 0.0

    async def read(self, fetch: Callable[[], Awaitable[T]]) -> T:
        now = self._clock()
        if self._read is None or (self._read.done() and now - self._started >= self._interval):
            self._started = now
            self._read = asyncio.ensure_future(fetch())
            # Retrieved here too, so a failure nobody waited for is not logged as "never retrieved".
            self._read.add_done_callback(lambda read: read.cancelled() or read.exception())
        # Shielded: a caller that gives up (a scrape cancelled by its client) does not cancel the
        # read the others wait for.
        return await asyncio.shield(self._read)
