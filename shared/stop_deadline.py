"""A service process asked to stop ends within a bound, whatever its libraries do while stopping.

Stopping drains NATS connections and cancels the remaining tasks. A frozen server makes a drain wait
out nats-py's flush timeouts (about 20 s); a vanished one can leave a task retrying its connection
forever, because Python 3.11's `asyncio.wait_for` may swallow the cancellation that should end it,
and `asyncio.run` then waits for that task without end. A `coursegen run` whose launcher was killed
saw it: a stage service outlived its launcher, still holding the data folder's lock.

Abandoning a stop half way loses nothing: a stage service acknowledges a request only once its work
is done (an unacknowledged one is delivered again), and the gateway's projection writes its rows and
its position in one transaction."""
from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType
from typing import Callable

# Not 0: whoever supervises the process sees that its stop did not finish.
OVERRUN_EXIT_CODE = 1
# How a process is asked to stop: Ctrl-C, a supervisor, a closed terminal.
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def hear_stop_signals() -> None:
    """Unblock the stop signals in this (the main) thread. A signal mask survives exec: a process
    started from a thread that blocks them (a test runner's, a library's worker) would inherit the
    mask, and a stop asked for would never arrive — not even to arm the deadline. Called first by
    every service's entrypoint."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def arm_at_stop_signals(arm: Callable[[], None]) -> None:
    """Call `arm` as each stop signal arrives, then whatever handled that signal before.

    A library that handles the signal through its event loop (asyncio's `add_signal_handler`, as
    FastStream does) starts the stop only when the loop next runs: a loop held by synchronous work
    would not even arm the deadline. A Python-level handler runs in the main thread as soon as it is
    between two bytecodes, and keeps the loop's own handling: the signal still reaches the loop through
    its wakeup file. Installed again after each library that replaces the handlers. A signal the
    process ignores is no stop (SIGHUP under `nohup`): it stays ignored."""
    for sig in STOP_SIGNALS:
        previous = signal.getsignal(sig)
        if previous is not signal.SIG_IGN:
            signal.signal(sig, _arming_then(arm, sig, previous))


def _arming_then(arm: Callable[[], None], sig: int, previous) -> Callable:
    def on_stop_signal(signum: int, frame: FrameType | None) -> None:
        arm()
        if callable(previous):
            previous(signum, frame)
        elif previous in (signal.SIG_DFL, None):  # the default action, as if never handled
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
    return on_stop_signal


class StopDeadline:
    """Armed when a stop begins (idempotent); the process exits once `seconds` have passed after."""

    def __init__(self, service: str, seconds: float) -> None:
        self._service = service
        self._seconds = seconds
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    @property
    def armed(self) -> bool:
        return self._timer is not None

    def arm(self) -> None:
        # Never waits for the lock: a signal handler may call this on a thread interrupted inside
        # it (waiting would hang the stop for good); whoever holds the lock is arming it anyway.
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._timer is None:
                self._timer = threading.Timer(self._seconds, self._overrun)
                self._timer.daemon = True  # a stop that finishes in time exits without waiting for it
                self._timer.start()
        finally:
            self._lock.release()

    def _overrun(self) -> None:
        # Straight to stderr: the logging machinery may be what the stop is stuck in.
        print(f"{self._service} did not stop within {self._seconds:g}s of being asked to; exiting now",
              file=sys.stderr, flush=True)
        os._exit(OVERRUN_EXIT_CODE)
