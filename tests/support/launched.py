"""A real `coursegen run` (what `make run` starts) in a test: its own data folder and ports, the
printed URL and token, and its service processes found by command line to kill them."""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import psutil

from ops.local.ports import free_port
from tests.support.processes import Process

# Configuration a test must not inherit: the launcher starts its own NATS and PostgreSQL.
UNSET = ("NATS_URL", "DATABASE_URL", "JWT_SECRET")


@dataclass
class Launched:
    process: Process
    data: Path
    url: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def runtime(self) -> dict:
        return json.loads((self.data / "runtime.json").read_text())

    def health_url(self, name: str) -> str:
        return self.runtime()["metrics_urls"][name] + "/health"

    def service(self, name: str) -> psutil.Process | None:
        """The live process of `name` ("gateway" or a stage service) started by the launcher."""
        for child in psutil.Process(self.process.popen.pid).children():
            try:
                if f"services.{name}.main" in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                    return child
            except psutil.NoSuchProcess:
                continue
        return None

    def kill(self, name: str) -> int:
        """kill -9 the service, as the out-of-memory killer would; returns the pid it had."""
        victim = self.service(name)
        assert victim is not None, f"{name} is not running"
        victim.send_signal(signal.SIGKILL)
        return victim.pid

    def health(self, name: str) -> dict | None:
        """A stage service's /health body, or None while it does not answer 200."""
        try:
            response = httpx.get(self.health_url(name), timeout=1.0)
        except httpx.HTTPError:
            return None
        return response.json() if response.status_code == 200 else None

    def printed(self, predicate, timeout: float) -> str:
        """A line the launcher printed (already read, or within `timeout` seconds) matching `predicate`."""
        for line in self.process.output:
            if predicate(line):
                return line
        return self.process.wait_for_line(predicate, timeout)

    def ready(self) -> dict:
        return httpx.get(f"{self.url}/ready", timeout=5.0).json()


def start_run(data: Path, env: dict[str, str] | None = None) -> Process:
    """`coursegen run` on the data folder `data` (not yet waited for)."""
    return Process(["-m", "ops.cli", "run"],
                   {"COURSEGEN_DATA_DIR": str(data), "PORT": str(free_port()), **(env or {})}, unset=UNSET)


def new_data_folder() -> Path:
    # Not under pytest's temporary folder: as root, the embedded PostgreSQL runs as another user who
    # must traverse the path, and any concurrent pytest session resets /tmp/pytest-of-<user> to 0700.
    return Path(tempfile.mkdtemp(prefix="coursegen-run-"))


@contextmanager
def coursegen_run(env: dict[str, str] | None = None, data: Path | None = None) -> Iterator[Launched]:
    """A running system, stopped with Ctrl-C (then killed, if need be). On a new folder, removed
    afterwards; on a given `data` folder (one made by new_data_folder), kept for the caller."""
    owned = data is None
    data = new_data_folder() if owned else data
    process = start_run(data, env)
    try:
        banner = process.wait_for_line(lambda line: "is running at" in line, timeout=120)
        url = re.search(r"http://127\.0\.0\.1:\d+", banner).group(0)
        token = process.wait_for_line(lambda line: line.startswith("eyJ"), timeout=10)
        yield Launched(process, data, url, token)
    finally:
        try:
            process.interrupt()
        except subprocess.TimeoutExpired:
            pass
        process.kill()
        if owned:
            shutil.rmtree(data, ignore_errors=True)
