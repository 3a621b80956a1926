"""One thread per process for the work that keeps a core busy (parsing, the offline engines,
linking, checking claims, building exports): `await on_cpu_lane(function, *args)`.

Python threads never run Python code at the same time (the GIL), so a second thread of CPU work
never finishes sooner; it costs more. RE2's bindings (shared/linear_regex.py) give the GIL up for
every match, and a thread that gave it up waits for another thread busy with Python code to hand it
back — up to the interpreter's switch interval (5 ms) per match. Measured on this project's own
patterns: the same matches done by four threads take 3.5 times as long as by one. So CPU work is
queued on one lane, in the order it was asked for, and runs without a rival thread; only waits
(on a child process, a pipe, git, the network, a lock) go to `asyncio.to_thread`. The event loop
stays free: its own short matches meet one other thread at most.

A function already running on the lane that asks the lane for more work gets it done in place
(waiting on the lane from the lane would wait forever).
"""
from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_lane: ThreadPoolExecutor | None = None
_lane_pid = 0  # the process the lane's thread runs in: a forked child has no such thread
_lane_lock = threading.Lock()
_on_lane = threading.local()


def _executor() -> ThreadPoolExecutor:
    global _lane, _lane_pid
    with _lane_lock:
        if _lane is None or _lane_pid != os.getpid():
            _lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpu-lane",
                                       initializer=_mark_lane_thread)
            _lane_pid = os.getpid()
        return _lane


def _mark_lane_thread() -> None:
    _on_lane.active = True


def on_the_lane() -> bool:
    """True in the lane's own thread."""
    return getattr(_on_lane, "active", False)


def submit(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """`function(*args, **kwargs)` queued on the lane, with the caller's context variables (as
    `asyncio.to_thread` passes them); from the lane itself, run at once."""
    call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
    if on_the_lane():
        done: Future[T] = Future()
        try:
            done.set_result(call())
        except BaseException as exc:
            done.set_exception(exc)
        return done
    return _executor().submit(call)


async def on_cpu_lane(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` run on the lane; the event loop waits for it without blocking.
    Cancelled before it starts, it never runs (once started it runs to its end, like a thread)."""
    return await asyncio.wrap_future(submit(function, *args, **kwargs))
