"""The whole system as `make run` starts it (`coursegen run`, embedded defaults, no configuration),
for the browser tests: its URL and the dev token it prints."""
from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

from shared.local.ports import free_port
from tests.support.processes import Process


@contextlib.contextmanager
def coursegen_run(**env: str) -> Iterator[SimpleNamespace]:
    """`coursegen run` with `env` added to its environment (every service it starts inherits it)."""
    # Not under pytest's temporary folder: as root, the embedded PostgreSQL runs as another user who
    # must traverse the path, and any concurrent pytest session resets /tmp/pytest-of-<user> to 0700.
    data = Path(tempfile.mkdtemp(prefix="coursegen-browser-"))
    env = {"COURSEGEN_DATA_DIR": str(data), "PORT": str(free_port()), **env}
    process = Process(["-m", "services.cli", "run"], env, unset=("NATS_URL", "DATABASE_URL", "JWT_SECRET"))
    try:
        banner = process.wait_for_line(lambda line: "is running at" in line, timeout=120)
        url = re.search(r"http://127\.0\.0\.1:\d+", banner).group(0)
        token = process.wait_for_line(lambda line: line.startswith("eyJ"), timeout=10)
        yield SimpleNamespace(url=url, token=token)
    finally:
        try:
            process.interrupt()
        except subprocess.TimeoutExpired:
            pass
        process.kill()
        shutil.rmtree(data, ignore_errors=True)
