"""The one place tests wait: poll a condition until it holds, bounded by a timeout; and how long a
bound on waiting really is (`patient`)."""
from __future__ import annotations

import asyncio
import inspect
import os
from typing import Any, Awaitable, Callable

POLL_INTERVAL = 0.05
# A bound on a wait is what an idle machine needs with room to spare; a loaded one (CI shares its
# cores, `make test` runs a worker per core) can take several times as long for the same condition.
# The bound only costs time when the condition never holds, so every bound is stretched by this
# factor: a test's verdict must not depend on the machine's load. TEST_PATIENCE sets it.
DEFAULT_PATIENCE = 3.0


def patient(seconds: float) -> float:
    """`seconds`, a bound on waiting for something that should happen, stretched by TEST_PATIENCE."""
    return seconds * float(os.environ.get("TEST_PATIENCE", DEFAULT_PATIENCE))


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

    bound = patient(timeout)
    try:
        return await asyncio.wait_for(poll(), bound)
    except TimeoutError:
        raise AssertionError(f"{message} did not hold within {bound:g}s") from None
