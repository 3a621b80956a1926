"""Progress from worker threads (git, the scanner) to StageProgressed events, throttled so a
fast-moving counter does not flood the log."""
from __future__ import annotations

import asyncio
import threading
from typing import Awaitable, Callable

from shared.leftover_tasks import cancelled

Publish = Callable[[int, str], Awaitable[None]]


class ProgressReporter:
    def __init__(self, publish: Publish, interval: float = 0.5) -> None:
        self._publish, self._interval = publish, interval
        self._lock = threading.Lock()
        self._latest: tuple[int, str] | None = None
        self._sent: tuple[int, str] | None = None
        self._task: asyncio.Task | None = None

    def report(self, percent: int, step: str) -> None:
        """Thread-safe: remember the latest state; the reporter task sends it."""
        with self._lock:
            self._latest = (max(0, min(100, int(percent))), step)

    def scaled(self, low: int, high: int) -> Callable[[int, str], None]:
        """A callback taking 0-100 that reports within low..high of the whole stage."""
        return lambda percent, step: self.report(low + (high - low) * percent // 100, step)

    def counted(self, low: int, high: int, label: str) -> Callable[[int, int], None]:
        """A callback taking (done, total) that reports '<label> done of total' within low..high."""
        return lambda done, total: self.report(low + (high - low) * done // max(total, 1),
                                               f"{label} {done} of {total} files")

    async def _flush(self) -> None:
        with self._lock:
            latest = self._latest
        if latest is not None and latest != self._sent:
            self._sent = latest
            await self._publish(*latest)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self._flush()

    async def __aenter__(self) -> "ProgressReporter":
        self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc) -> None:
        await cancelled(self._task)
        if not self._task.cancelled() and (error := self._task.exception()) is not None:
            raise error
        await self._flush()
