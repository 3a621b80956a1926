"""Running project services as real processes in tests, and reading their output with a deadline."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from tests.support.waiting import patient

STAGE_SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")


class Process:
    def __init__(self, args: list[str], env: dict[str, str], cwd: Path | None = None,
                 unset: tuple[str, ...] = ()) -> None:
        self.lines: "queue.Queue[str]" = queue.Queue()
        self.output: list[str] = []
        self._pumped = threading.Event()  # set once the process's output has been read to its end
        self.popen = subprocess.Popen(
            [sys.executable, *args], cwd=cwd,
            env={**{k: v for k, v in os.environ.items() if k not in unset}, **env}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.popen.stdout:
            self.lines.put(line.rstrip("\n"))
        self._pumped.set()

    def wait_for_line(self, predicate, timeout: float) -> str:
        timeout = patient(timeout)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching line within {timeout}s; output:\n" + "\n".join(self.output))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            self.output.append(line)
            if predicate(line):
                return line

    def drain_output(self, timeout: float) -> list[str]:
        """Once the process has exited: all it printed, read to the end (within `timeout`)."""
        self._pumped.wait(patient(timeout))
        while True:
            try:
                self.output.append(self.lines.get_nowait())
            except queue.Empty:
                return self.output

    def interrupt(self, timeout: float = 30.0) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
        return self.popen.wait(patient(timeout))

    def kill(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


def run_cli(args: list[str], env: dict[str, str], timeout: float = 180,
            input: str | None = None) -> subprocess.CompletedProcess:
    """`coursegen <args>` to completion, its output captured; with `input`, that is its stdin (a
    pipe, not a terminal)."""
    return subprocess.run([sys.executable, "-m", "ops.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout, input=input)


@contextmanager
def stage_services(nats_url: str, names: Sequence[str] = STAGE_SERVICES,
                   env: dict[str, str] | None = None) -> Iterator[list[Process]]:
    """Stage services as real processes on `nats_url`, local repositories allowed (and `env`);
    interrupted on exit."""
    env = {"NATS_URL": nats_url, "ALLOW_LOCAL_REPOS": "true", **(env or {})}
    running = [Process(["-m", f"services.{name}.main"], env) for name in names]
    try:
        yield running
    finally:
        for service in running:
            service.interrupt()
