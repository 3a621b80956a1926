"""`coursegen run`: the whole system on one machine with no configuration (DESIGN §7).
Starts what is missing (nats-server, embedded PostgreSQL), then the gateway and every stage
service as separate processes; Ctrl-C stops all of it."""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.local.nats_server import NatsServer
from shared.local.ports import free_port
from shared.local.postgres import EmbeddedPostgres

from .gateway.auth import development_token

STAGE_SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")


def data_dir() -> Path:
    path = Path(os.environ.get("COURSEGEN_DATA_DIR", ".data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def development_secret() -> str:
    """JWT_SECRET if set, else a random one kept in the data folder across runs."""
    if os.environ.get("JWT_SECRET"):
        return os.environ["JWT_SECRET"]
    path = data_dir() / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def runtime_file() -> Path:
    return data_dir() / "runtime.json"


def _gateway_port() -> int:
    wanted = int(os.environ.get("PORT", "8000"))
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            return free_port()


def _metrics_ports() -> dict[str, int]:
    """Each stage service's own port for /metrics and /health, so none collide on one machine."""
    return {name: free_port() for name in STAGE_SERVICES}


def _spawn(module: str, env: dict[str, str], logs: Path) -> subprocess.Popen:
    log = open(logs / f"{module.split('.')[1]}.log", "ab")
    return subprocess.Popen([sys.executable, "-m", module], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _wait_ready(url: str, processes: list[subprocess.Popen], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a service exited during start-up; see the logs in .data/logs/")
        try:
            if httpx.get(f"{url}/ready", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the gateway was not ready within {timeout}s; see .data/logs/gateway.log")


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def run() -> int:
    root = data_dir()
    logs = root / "logs"
    logs.mkdir(exist_ok=True)
    nats = postgres = None
    processes: list[subprocess.Popen] = []
    # Ctrl-C and SIGTERM both stop everything, even when started from a shell that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        nats_url = os.environ.get("NATS_URL")
        if not nats_url:
            nats = NatsServer(root / "nats").start()
            nats_url = nats.url
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            postgres = EmbeddedPostgres(root / "pg").start()
            database_url = postgres.url()
        port = _gateway_port()
        secret = development_secret()
        env = {**os.environ, "NATS_URL": nats_url, "DATABASE_URL": database_url, "PORT": str(port),
               "JWT_SECRET": secret, "ALLOW_LOCAL_REPOS": os.environ.get("ALLOW_LOCAL_REPOS", "true"),
               # On a developer's machine the development user is also the operator.
               "ADMIN_USERS": os.environ.get("ADMIN_USERS", '["dev"]')}
        ports = _metrics_ports()
        metrics = {name: f"http://127.0.0.1:{p}" for name, p in ports.items()}
        runtime_file().write_text(json.dumps({"nats_url": nats_url, "database_url": database_url,
                                              "gateway_url": f"http://127.0.0.1:{port}",
                                              "metrics_urls": metrics}))
        processes.append(_spawn("services.gateway.main", env, logs))
        processes += [_spawn(f"services.{name}.main", {**env, "METRICS_PORT": str(ports[name])}, logs)
                      for name in STAGE_SERVICES]
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, processes)
        print(f"coursegen is running at {url}  (open it in a browser; API docs: {url}/docs; logs: {logs})")
        print("Metrics: " + "  ".join(f"{name} {u}/metrics" for name, u in {"gateway": url, **metrics}.items()))
        print("Development token for user 'dev' (send as 'Authorization: Bearer <token>'):")
        print(development_token(secret, "dev"), flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("a service stopped unexpectedly; see the logs in", logs, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping coursegen ...", flush=True)
        return 0
    finally:
        _stop(processes)
        if nats:
            nats.stop()
        if postgres:
            postgres.stop()
        runtime_file().unlink(missing_ok=True)
