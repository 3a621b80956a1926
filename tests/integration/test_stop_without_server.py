"""A service whose NATS server vanished stops at once and cleanly when asked to (issue: a killed
`coursegen run`). Its broker's drain raises for a connection that is reconnecting, and nats-py's
reconnection loop can swallow the one cancellation `asyncio.run` gives it: the stop said so with a
traceback and exit code 1, or hung until the stop deadline (shared/leftover_tasks.py)."""
from __future__ import annotations

import signal
from pathlib import Path

from ops.local.nats_server import NatsServer
from ops.local.ports import free_port
from tests.support.http_processes import answers, gateway_env
from tests.support.processes import Process
from tests.support.waiting import eventually

# Far beyond a clean stop: a stop that reaches it fails the test by its exit code and its line.
DEADLINE = {"STOP_DEADLINE_SECONDS": "60"}


def _stops_cleanly_once_its_server_is_gone(process: Process, nats: NatsServer, stop: signal.Signals) -> list[str]:
    """Kills the NATS server under a running `process`, then asks it to stop: it exits 0 without
    a traceback. Returns everything it printed."""
    nats.process.kill()
    process.wait_for_line(lambda line: "NATS disconnected; reconnecting" in line, timeout=30)
    process.popen.send_signal(stop)
    code = process.popen.wait(50)
    printed = process.drain_output(timeout=10)
    assert code == 0, "\n".join(printed)
    assert not [line for line in printed if line.startswith("Traceback") or "did not stop within" in line]
    return printed


def test_a_stage_service_stops_cleanly_once_its_server_is_gone(tmp_path: Path):
    nats = NatsServer(tmp_path / "nats").start()
    service = Process(["-m", "services.pathway.main"], {"NATS_URL": nats.url, **DEADLINE})
    try:
        service.wait_for_line(lambda line: "started successfully" in line, timeout=60)
        printed = _stops_cleanly_once_its_server_is_gone(service, nats, signal.SIGTERM)
        assert any("pathway stopped while its NATS server was unreachable" in line for line in printed)
    finally:
        service.kill()
        nats.stop()


async def test_the_gateway_stops_cleanly_once_its_server_is_gone(tmp_path: Path, database_url):
    nats = NatsServer(tmp_path / "nats").start()
    port = free_port()
    gateway = Process(["-m", "services.gateway.main"], gateway_env(nats.url, database_url, port, **DEADLINE))
    try:
        await eventually(lambda: answers(f"http://127.0.0.1:{port}/ready"), 60, "the gateway answering /ready")
        # Ctrl-C: on SIGTERM uvicorn ends the process by that signal again once it has stopped.
        printed = _stops_cleanly_once_its_server_is_gone(gateway, nats, signal.SIGINT)
        assert any("Application shutdown complete" in line for line in printed)
    finally:
        gateway.kill()
        nats.stop()
