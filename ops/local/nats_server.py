"""Find a nats-server >= 2.11 and run a private one with JetStream."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from shared import linear_regex
from shared.bus.connection import MINIMUM_SERVER_VERSION
from ops.local.ports import free_port, wait_for_port


def binary_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    match = linear_regex.search(r"v(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(g) for g in match.groups()) if match else (0, 0, 0)


def find_nats_server() -> str:
    """NATS_SERVER_BIN, then the virtual environment's bin/, then PATH: the first new enough."""
    candidates = [os.environ.get("NATS_SERVER_BIN"), str(Path(sys.prefix) / "bin" / "nats-server"),
                  shutil.which("nats-server")]
    seen = []
    for candidate in filter(None, candidates):
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            version = binary_version(candidate)
            if version >= MINIMUM_SERVER_VERSION:
                return candidate
            seen.append(f"{candidate} (v{'.'.join(map(str, version))})")
    raise FileNotFoundError(
        "no nats-server >= 2.11 found" + (f"; too old: {', '.join(seen)}" if seen else "")
        + ". Run `make nats-server` to install one into .venv/bin."
    )


@dataclass
class NatsServer:
    store_dir: Path
    binary: str = field(default_factory=find_nats_server)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    # Extra subprocess.Popen options, e.g. `coursegen run` ties the server to itself (ops/tied_children.py).
    popen_options: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> "NatsServer":
        self.store_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.store_dir / "nats-server.log", "ab")
        self.process = subprocess.Popen(
            [self.binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store_dir)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **self.popen_options,
        )
        wait_for_port(self.port, timeout)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
