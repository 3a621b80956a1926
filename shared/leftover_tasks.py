"""Ending the tasks a service's stop leaves behind, even one that swallows its cancellation.

Once a service's own stop is done, `asyncio.run` cancels the tasks left over once and waits for
them without end. nats-py's reconnection loop to a vanished server can swallow that one
cancellation (Python 3.11's `asyncio.wait_for` raises the connect's own error when both land
together, and the loop catches every error and tries again), so the process would only end at its
stop deadline (shared/stop_deadline.py). Cancelling again while such a task is still running ends
it at its next wait, within a second or two instead."""
from __future__ import annotations

import asyncio

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
