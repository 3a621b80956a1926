"""Ending tasks, even one that swallows its cancellation: those a service's stop leaves behind, any
task a part cancels and then waits for (`cancelled`), and the siblings of one that failed
(`all_or_none`).

Once a service's own stop is done, `asyncio.run` cancels the tasks left over once and waits for
them without end. nats-py's reconnection loop to a vanished server can swallow that one
cancellation (Python 3.11's `asyncio.wait_for` raises the connect's own error when both land
together, and the loop catches every error and tries again), so the process would only end at its
stop deadline (shared/stop_deadline.py). Cancelling again while such a task is still running ends
it at its next wait, within a second or two instead. The same holds for any task cancelled and then
awaited: stage 1's progress reporter, cancelled while it published, swallowed the cancellation in
nats-py's request, went back to its sleep, and the clone waited for it without end."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable

PATIENCE_SECONDS = 1.0  # how long each round waits for the cancelled tasks to end
ROUNDS = 5


async def cancel_leftover_tasks(patience: float = PATIENCE_SECONDS, rounds: int = ROUNDS) -> list[str]:
    """Cancels every other task of the loop, again each round while some still run; returns the
    names of those still running after the last round (the stop deadline is their bound)."""
    current = asyncio.current_task()
    left: list[asyncio.Task] = []
    for _ in range(rounds):
        left = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
        if not left:
            return []
        for task in left:
            task.cancel()
        await asyncio.wait(left, timeout=patience)
    return sorted(task.get_name() for task in left if not task.done())


async def cancelled(*tasks: asyncio.Future, patience: float = PATIENCE_SECONDS) -> None:
    """Cancels `tasks` and waits until each has ended, cancelling again every `patience` seconds
    those still running; what any of them raised is retrieved (not re-raised: a caller that needs
    it asks the task). The one way a part waits for a task it cancelled (tests/unit/test_cancelling.py
    finds any other)."""
    while pending := [task for task in tasks if not task.done()]:
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=patience)
    for task in tasks:
        if not task.cancelled():
            task.exception()


async def all_or_none(*awaitables: Awaitable[Any]) -> list[Any]:
    """The results of `awaitables` run at once, in their order; the first failure (or this call's
    cancellation) cancels the others and waits until they have ended (`cancelled`), then raises.
    `asyncio.gather` raises the first failure at once and leaves the others running: stage 4's
    module writers, one of which saw its run cancelled, went on one after the other — checking the
    log, writing — long after the run had ended, a core busy for minutes on a large course."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        await cancelled(*tasks)
        raise
