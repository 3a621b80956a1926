"""Stopping a background task for sure. On Python 3.11 a cancel() that lands while nats-py is
inside `asyncio.wait_for` on an already-answered request is swallowed (see test_shutdown.py)."""
from __future__ import annotations

import asyncio

from tests.support.waiting import patient


async def cancel_until_done(task: asyncio.Task, timeout: float = 10.0, every: float = 0.2) -> None:
    """Cancel `task` again and again until it has finished; fail if it outlives `timeout`."""
    async def keep_cancelling() -> None:
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=every)

    await asyncio.wait_for(keep_cancelling(), patient(timeout))
