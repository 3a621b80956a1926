"""The port chooser: what it hands out is outside the kernel's ephemeral range (no outgoing
connection can take it before the server binds it), never a port something listens on, and never
the same port to two choosers on this machine, however many choose at once."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from ops.local.ports import EPHEMERAL_RANGE, candidate_ports, free_port

CHOOSERS = 4
PORTS_EACH = 150


def test_the_ports_lie_outside_the_ephemeral_range():
    low, high = (int(n) for n in EPHEMERAL_RANGE.read_text().split())
    candidates = set(candidate_ports())
    assert not any(low <= p <= high for p in candidates)
    ports = [free_port() for _ in range(50)]
    assert set(ports) <= candidates
    assert len(set(ports)) == len(ports)


def test_a_listening_port_is_never_handed_out(monkeypatch):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        taken = listener.getsockname()[1]
        monkeypatch.setattr("ops.local.ports.candidate_ports", lambda: [taken])
        with pytest.raises(RuntimeError, match="no free port"):
            free_port()


def test_choosers_in_many_processes_never_share_a_port():
    code = f"from ops.local.ports import free_port\nprint(*[free_port() for _ in range({PORTS_EACH})])"
    choosers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
                for _ in range(CHOOSERS)]
    handed = [int(p) for chooser in choosers for p in chooser.communicate(timeout=120)[0].split()]
    assert all(chooser.returncode == 0 for chooser in choosers)
    assert len(handed) == CHOOSERS * PORTS_EACH
    assert len(set(handed)) == len(handed)


def test_a_port_handed_out_is_held_then_lapses(monkeypatch):
    port = free_port()
    monkeypatch.setattr("ops.local.ports.candidate_ports", lambda: [port])
    with pytest.raises(RuntimeError, match="reserved"):
        free_port()
    monkeypatch.setattr("ops.local.ports.HELD_SECONDS", 0)
    assert free_port() == port
