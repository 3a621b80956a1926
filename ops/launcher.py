"""`coursegen run`: the whole system on one machine with no configuration.
Starts what is missing (nats-server, embedded PostgreSQL), then the gateway and every stage
service as separate processes, and supervises them: a service that exits is started again with
backoff (ops/supervisor.py), a crash loop is reported with its last log lines and given up
on, and only Ctrl-C, SIGTERM or SIGHUP (its terminal closed) stops the system. One `coursegen run`
per data folder (ops/data_lock.py), locked before any server starts."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from services.gateway.edge.auth import development_token
from shared.bus.connection import without_secrets
from shared.sealing import public_key_of
from shared.stop_deadline import hear_stop_signals

from .data_folder import data_dir, development_secret, development_secrets_key, runtime_file
from .data_lock import DataFolderBusy, DataLock
from .local.nats_server import NatsServer
from .local.ports import free_port
from .local.postgres import EmbeddedPostgres
from .supervisor import GiveUp, RestartPolicy, RestartTracker
from .tied_children import tied_to_this_process

STAGE_SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")
LOG_TAIL_LINES = 20
TICK_SECONDS = 0.2


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
    """Each stage service's own port for /metrics and /health, so none collide on one machine.
    Chosen once: a restarted service gets the same one, so the URLs the gateway probes stay right."""
    return {name: free_port() for name in STAGE_SERVICES}


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> list[str]:
    """The last `lines` lines of a service's log (read from its end: logs grow across runs)."""
    try:
        with open(path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - 64 * 1024))
            return log.read().decode("utf-8", "replace").splitlines()[-lines:]
    except OSError:
        return []


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Service:
    """One supervised process: how to start it, and its restart history."""
    name: str
    env: dict[str, str]
    logs: Path
    tracker: RestartTracker
    popen_options: dict  # how the process is tied to the launcher (ops/tied_children.py)
    popen: subprocess.Popen | None = None
    restart_at: float | None = None  # when a restart is due (monotonic clock), while it waits

    @property
    def log(self) -> Path:
        return self.logs / f"{self.name}.log"

    def start(self) -> None:
        with open(self.log, "ab") as log:  # the child keeps its own descriptor
            self.popen = subprocess.Popen([sys.executable, "-m", f"services.{self.name}.main"], env=self.env,
                                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                          **self.popen_options)
        self.restart_at = None

    def check(self, now: float) -> None:
        """Notices an exit (decides a restart or gives up) and starts the service when it is due."""
        if self.popen is not None and self.popen.poll() is not None:
            reason, self.popen = _exit_reason(self.popen.returncode), None
            decision = self.tracker.exited(now)
            if isinstance(decision, GiveUp):
                tail = "\n".join(f"    {line}" for line in log_tail(self.log)) or "    (the log is empty)"
                _say(f"service {self.name} stopped ({reason}): {decision.reason}. The others keep running; "
                     f"restart coursegen after fixing it. Last lines of {self.log}:\n{tail}")
            else:
                _say(f"service {self.name} stopped ({reason}); restarting it in {decision.delay:g}s "
                     f"(restart {decision.attempt} within {self.tracker.policy.window:g}s)")
                self.restart_at = now + decision.delay
        elif self.popen is None and self.restart_at is not None and now >= self.restart_at:
            self.start()
            _say(f"service {self.name} restarted (pid {self.popen.pid})")

    @property
    def gave_up(self) -> bool:
        return self.tracker.given_up


def _gateway_ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _start_up(url: str, services: list[Service], timeout: float = 90.0) -> None:
    """Supervises while waiting for the gateway's first /ready (a stage service may crash-loop
    meanwhile: that is reported, and the system still comes up)."""
    gateway = services[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for service in services:
            service.check(time.monotonic())
        if gateway.gave_up:
            raise RuntimeError(f"the gateway could not start; see {gateway.log}")
        if gateway.popen is not None and _gateway_ready(url):
            return
        time.sleep(TICK_SECONDS)
    raise RuntimeError(f"the gateway was not ready within {timeout}s; see {gateway.log}")


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
    try:
        # Before anything else: two runs on one folder would share (and corrupt) its NATS store and
        # PostgreSQL cluster, and the second's exit would delete the first's runtime.json.
        lock = DataLock.acquire(root)
    except DataFolderBusy as busy:
        _say(str(busy))
        return 1
    except OSError as error:
        _say(f"coursegen: {error}")
        return 1
    tied = tied_to_this_process(lock.fileno())
    logs = root / "logs"
    logs.mkdir(exist_ok=True)
    nats = postgres = None
    services: list[Service] = []
    # Ctrl-C and SIGTERM both stop everything, even when started from a shell that ignores SIGINT
    # or a thread that blocks it.
    hear_stop_signals()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    # A closed terminal stops it too, rather than leaving its servers running on unlocked; unless
    # started under nohup, which asked for the opposite.
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _interrupt)
    try:
        nats_url = os.environ.get("NATS_URL")
        if not nats_url:
            nats = NatsServer(root / "nats", popen_options=tied).start()
            nats_url = nats.url
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            postgres = EmbeddedPostgres(root / "pg").start()
            database_url = postgres.url()
        port = _gateway_port()
        lock.record(url=f"http://127.0.0.1:{port}")
        secret = development_secret()
        sealing_key = development_secrets_key()
        ports = _metrics_ports()
        metrics = {name: f"http://127.0.0.1:{p}" for name, p in ports.items()}
        env = {**{k: v for k, v in os.environ.items() if k != "SECRETS_KEY"}, "NATS_URL": nats_url,
               "SECRETS_PUBLIC_KEY": public_key_of(sealing_key), "DATABASE_URL": database_url, "PORT": str(port),
               "JWT_SECRET": secret, "ALLOW_LOCAL_REPOS": os.environ.get("ALLOW_LOCAL_REPOS", "true"),
               # On a developer's machine the development user is also the operator.
               "ADMIN_USERS": os.environ.get("ADMIN_USERS", '["dev"]')}
        # The gateway's /ready (and so the web UI) reports a stage service that is down.
        gateway_env = {**env, "SERVICE_HEALTH_URLS": json.dumps({n: f"{u}/health" for n, u in metrics.items()})}
        runtime_file().write_text(json.dumps({"nats_url": nats_url, "database_url": database_url,
                                              "gateway_url": f"http://127.0.0.1:{port}",
                                              "metrics_urls": metrics}))
        policy = RestartPolicy()
        services = [Service("gateway", gateway_env, logs, RestartTracker(policy), tied)]
        only_repo_clone = {"repo_clone": {"SECRETS_KEY": sealing_key}}  # the one service that opens tokens
        services += [Service(name, {**env, "METRICS_PORT": str(ports[name]), **only_repo_clone.get(name, {})},
                             logs, RestartTracker(policy), tied)
                     for name in STAGE_SERVICES]
        for service in services:
            service.start()
        url = f"http://127.0.0.1:{port}"
        _start_up(url, services)
        print(f"coursegen is running at {url}  (open it in a browser; API docs: {url}/docs; logs: {logs})")
        print(f"NATS (course events, docs/subscribing.md): {without_secrets(nats_url)}  "
              f"(`coursegen nats-url` prints it)")
        print("Metrics: " + "  ".join(f"{name} {u}/metrics" for name, u in {"gateway": url, **metrics}.items()))
        print("Development token for user 'dev' (send as 'Authorization: Bearer <token>'):")
        print(development_token(secret, "dev"), flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while True:
            for service in services:
                service.check(time.monotonic())
            time.sleep(TICK_SECONDS)
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            print("\nstopping coursegen ...", flush=True)
        return 0
    finally:
        _stop([s.popen for s in services if s.popen is not None])
        if nats:
            nats.stop()
        if postgres:
            postgres.stop()
        runtime_file().unlink(missing_ok=True)
        lock.release()
