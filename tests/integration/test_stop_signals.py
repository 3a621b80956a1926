"""A service asked to stop hears it even when it was started from a thread that blocks the stop
signals: a signal mask survives exec, and a service that inherited one would serve on, never
hearing SIGINT or SIGTERM (shared/stop_deadline.py)."""
from __future__ import annotations

import signal
import threading

from ops.local.ports import free_port
from tests.support.gateway import JWT_SECRET
from tests.support.processes import Process


def started_with_stop_signals_blocked(args: list[str], env: dict[str, str]) -> Process:
    """The process as a thread whose mask blocks SIGINT and SIGTERM starts it (the mask stays that thread's)."""
    made: list[Process] = []

    def start() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        made.append(Process(args, env))

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()
    return made[0]


def test_the_gateway_started_with_the_stop_signals_blocked_stops_on_sigint(settings):
    gateway = started_with_stop_signals_blocked(["-m", "services.gateway.main"], {
        "NATS_URL": settings.nats_url, "DATABASE_URL": settings.database_url, "JWT_SECRET": JWT_SECRET,
        "PORT": str(free_port()), "ENVIRONMENT": "test"})
    try:
        gateway.wait_for_line(lambda line: "Uvicorn running" in line, timeout=60)
        blocked = next(line for line in open(f"/proc/{gateway.popen.pid}/status").read().splitlines()
                       if line.startswith("SigBlk"))
        assert int(blocked.split()[1], 16) & (1 << (signal.SIGINT - 1)) == 0, blocked
        assert gateway.interrupt() == 0
    finally:
        gateway.kill()


def test_a_stage_service_started_with_the_stop_signals_blocked_stops_on_sigterm(settings):
    service = started_with_stop_signals_blocked(["-m", "services.pathway.main"], {"NATS_URL": settings.nats_url})
    try:
        service.wait_for_line(lambda line: "pathway" in line and ("ready" in line or "consum" in line or "started" in line), timeout=60)
        service.popen.send_signal(signal.SIGTERM)
        assert service.popen.wait(timeout=60) == 0
    finally:
        service.kill()
