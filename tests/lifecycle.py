"""Starting and stopping a gateway in tests without depending on a single cancel() being honoured.

On Python 3.11 a cancel() that lands while nats-py is inside `asyncio.wait_for` on an
already-answered request is swallowed, and the gateway's projector/janitor loops then run forever,
so `bootstrap.stop` (which cancels once and awaits) can hang. See test_shutdown.py, which asserts
the product itself stops promptly; the fixtures here cancel until done so other tests can run.
"""
from __future__ import annotations

import asyncio
import contextlib

from tests.conftest import running_gateway


async def cancel_until_done(task: asyncio.Task, timeout: float = 10.0, every: float = 0.2) -> None:
    """Cancel `task` again and again until it has finished; fail if it outlives `timeout`."""
    async def keep_cancelling() -> None:
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=every)

    await asyncio.wait_for(keep_cancelling(), timeout)


@contextlib.asynccontextmanager
async def gateway_client(settings):
    """`running_gateway`, whose background tasks are reliably stopped before its own shutdown."""
    async with running_gateway(settings) as client:
        try:
            yield client
        finally:
            for task in client.app.state.container.tasks:
                await cancel_until_done(task)
