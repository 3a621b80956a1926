"""Children of `coursegen run` that cannot outlive it.

Each child runs in its own session (Ctrl-C reaches the launcher only, which stops them in order),
so nothing stops them if the launcher is killed with -9 or by the out-of-memory killer: they would
run on, unsupervised, over a data folder whose lock had gone. Tied children get SIGTERM when the
launcher dies (Linux's parent-death signal) and hold the folder's lock until they have exited."""
from __future__ import annotations

import ctypes
import os
import signal
from typing import Callable

PR_SET_PDEATHSIG = 1


def _terminated_with(parent: int) -> Callable[[], None]:
    def in_child_before_exec() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # not Linux: only a clean stop stops the children
            return
        if os.getppid() != parent:  # the launcher died before the signal was armed
            os._exit(1)
    return in_child_before_exec


def tied_to_this_process(lock_fd: int) -> dict:
    """subprocess.Popen options for a child that keeps `lock_fd` and gets SIGTERM when this process
    dies. Only from the main thread: the parent-death signal fires when the starting thread exits."""
    return {"pass_fds": (lock_fd,), "preexec_fn": _terminated_with(os.getpid())}
