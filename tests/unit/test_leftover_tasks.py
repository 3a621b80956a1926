"""The tasks a stop leaves behind end, even one that swallows a cancellation as nats-py's
reconnection loop can on Python 3.11 (shared/leftover_tasks.py); `asyncio.run` alone cancels each
once and then waits for it without end."""
from __future__ import annotations

import asyncio
import subprocess
import sys

from shared.leftover_tasks import cancel_leftover_tasks

# A loop like nats-py's `_select_next_server`: it catches what its connect attempt raises and tries
# again; its first cancellation arrives as the connect's own error (the Python 3.11 `wait_for` race).
STUBBORN = """
import asyncio, sys

async def reconnecting(started, swallowed):
    started.set()
    never = asyncio.Event()  # the server never comes back
    while True:
        try:
            await never.wait()
        except asyncio.CancelledError:
            if swallowed:
                raise
            swallowed.append(1)

async def main():
    started = asyncio.Event()
    asyncio.create_task(reconnecting(started, []), name="reconnecting")
    await started.wait()
    if sys.argv[1] == "cancel":
        from shared.leftover_tasks import cancel_leftover_tasks
        print("still running:", await cancel_leftover_tasks(patience=0.5))

asyncio.run(main())
print("stopped")
"""


def _run(mode: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", STUBBORN, mode], capture_output=True, text=True,
                          timeout=timeout)


def test_a_task_that_swallows_its_cancellation_ends_and_the_process_with_it():
    finished = _run("cancel", timeout=60)
    assert (finished.returncode, finished.stdout) == (0, "still running: []\nstopped\n"), finished.stderr


def test_without_it_asyncio_run_waits_for_that_task_without_end():
    try:
        _run("leave", timeout=5)
    except subprocess.TimeoutExpired:
        return
    raise AssertionError("asyncio.run ended although a task swallowed its cancellation")


def test_a_task_that_never_ends_is_named_and_the_wait_is_bounded():
    async def stop_with_a_deaf_task() -> list[str]:
        release, started = asyncio.Event(), asyncio.Event()

        async def deaf() -> None:
            started.set()
            while not release.is_set():
                try:
                    await release.wait()
                except asyncio.CancelledError:
                    continue  # refuses every cancellation

        task = asyncio.create_task(deaf(), name="deaf")
        await started.wait()
        try:
            return await cancel_leftover_tasks(patience=0.05, rounds=3)
        finally:
            release.set()
            await task

    # A loop of its own: the helper cancels every other task of the loop it runs in.
    assert asyncio.run(stop_with_a_deaf_task()) == ["deaf"]
