"""A gateway worker on a durable pull consumer (the janitor, the refresh manager): fetch a few
messages at a time and hand each to the worker's handler until told to stop; after an error of
the connection or the server, subscribe again and go on where the consumer stands. The handler
acknowledges, naks or terminates each message itself."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from shared.bus.lifecycle import pause

log = logging.getLogger(__name__)
BATCH = 16


async def run_durable(name: str, subscribe: Callable[[], Awaitable[Any]], handle: Callable[[Any], Awaitable[None]],
                      stop: asyncio.Event, sub: Any = None) -> None:
    """`subscribe()` makes the pull subscription (unless `sub`, one made already, is given)."""
    while not stop.is_set():
        try:
            sub = sub or await subscribe()
            while not stop.is_set():
                try:
                    messages = await sub.fetch(BATCH, timeout=1.0)
                except TimeoutError:
                    continue
                for msg in messages:
                    await handle(msg)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("%s interrupted (%s); resuming", name, exc)
            sub = None
            await pause(stop, 1.0)
