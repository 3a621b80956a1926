"""Ports for the servers this machine starts (make run, the tests, the benchmarks).

A port is chosen here and bound later by another process (nats-server, PostgreSQL, uvicorn), so two
things could take it in between: another chooser handed the same number, or an outgoing connection
given it by the kernel as its local port. Both are excluded by construction: the port comes from
outside the kernel's ephemeral range (which outgoing connections draw from), and every process on
the machine reserves what it hands out in one folder (a file created exclusively per port), so no
two choosers hand out the same port while it is held."""
from __future__ import annotations

import fcntl
import os
import random
import socket
import tempfile
import time
from pathlib import Path

# How long a handed-out port is not handed out again: long past any server's start.
HELD_SECONDS = 15 * 60
RESERVATIONS = Path(tempfile.gettempdir()) / "coursegen-ports"
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 10_000  # below: well-known and registered services' usual ports
HIGHEST = 65_535


def candidate_ports() -> list[int]:
    """The ports no outgoing connection is given: those outside the kernel's ephemeral range
    (all of LOWEST..HIGHEST where the range is unknown or covers it all)."""
    everything = range(LOWEST, HIGHEST + 1)
    try:
        low, high = (int(n) for n in EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        return list(everything)
    outside = [p for p in everything if not low <= p <= high]
    return outside or list(everything)


def _reserve(port: int) -> bool:
    """Claim `port` for this caller in the machine-wide folder; a claim older than HELD_SECONDS lapses."""
    RESERVATIONS.mkdir(parents=True, exist_ok=True)
    claim = RESERVATIONS / str(port)
    try:
        os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        return True
    except FileExistsError:
        pass
    # A lapsed claim is taken over by one chooser at a time: two that both saw it lapse could
    # otherwise each remove the other's new claim.
    with open(RESERVATIONS / ".taking-over", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if time.time() - claim.stat().st_mtime < HELD_SECONDS:
                return False
            claim.unlink()
        except FileNotFoundError:
            pass
        try:
            os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return True
        except FileExistsError:
            return False  # a new chooser claimed it meanwhile


def _bindable(port: int) -> bool:
    """Nothing listens on the port, on any address (binding every address fails if one is bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port nothing listens on, no outgoing connection can be given, and no other caller on this
    machine is handed within HELD_SECONDS."""
    candidates = candidate_ports()
    start = random.randrange(len(candidates))
    for i in range(len(candidates)):
        port = candidates[(start + i) % len(candidates)]
        if _bindable(port) and _reserve(port):
            return port
    raise RuntimeError(f"no free port in {LOWEST}..{HIGHEST} outside the ephemeral range: "
                       f"all are in use or reserved in {RESERVATIONS}")


def wait_for_port(port: int, timeout: float, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listening on {host}:{port} after {timeout}s")
            time.sleep(0.05)
