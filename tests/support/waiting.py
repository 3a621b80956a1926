"""The one place tests wait: poll a condition until it holds, bounded by a timeout."""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Awaitable, Callable

POLL_INTERVAL = 0.05


async def eventually(predicate: Callable[[], Any | Awaitable[Any]], timeout: float = 10.0,
                     message: str = "condition") -> Any:
    """Return the first truthy value of `predicate()` (sync or async); fail after `timeout` seconds."""

    async def poll() -> Any:
        while True:
            value = predicate()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value
            await asyncio.sleep(POLL_INTERVAL)

    try:
        return await asyncio.wait_for(poll(), timeout)
    except TimeoutError:
        raise AssertionError(f"{message} did not hold within {timeout}s") from None
