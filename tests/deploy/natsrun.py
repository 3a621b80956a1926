"""Real nats-servers from deploy/'s configuration: one node with the deployed accounts on free ports
in a temporary folder, or the 3-node cluster of deploy/nats.conf moved to free local ports."""
from __future__ import annotations

import contextlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx

from ops.launcher import log_tail
from ops.local.nats_server import find_nats_server
from ops.local.ports import free_port, wait_for_port
from tests.deploy.deployment import DEPLOY, copy_security_config, nats_passwords
from tests.support.waiting import eventually


def config_test(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([find_nats_server(), "-t", "-c", str(config)], env=env, capture_output=True,
                          text=True, timeout=30)


def _start(config: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([find_nats_server(), "-c", str(config)], env=env, stdout=open(log, "ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def secured_server(tmp: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """One node: the deployed accounts file as is, JetStream as deployed, a free port.
    Yields (port, the password of each user's variable)."""
    copy_security_config(tmp)
    port = free_port()
    (tmp / "server.conf").write_text(
        f"listen: 127.0.0.1:{port}\n"
        f"jetstream {{\n  store_dir: \"{tmp / 'js'}\"\n  sync_interval: always\n}}\n"
        "include ./nats-accounts.conf\n")
    passwords = nats_passwords()
    process = _start(tmp / "server.conf", {**os.environ, **passwords}, tmp / "nats-server.log")
    try:
        wait_for_port(port, 20)
        yield port, passwords
    finally:
        _stop(process)


@dataclass(frozen=True)
class DeployedNode:
    """One node of deploy/nats.conf moved to free local ports, its config written in `folder`."""
    name: str
    folder: Path
    client_port: int
    monitor_port: int

    @property
    def store(self) -> Path:
        return self.folder / "data"


def deployed_nodes(tmp: Path) -> list[DeployedNode]:
    """deploy/nats.conf's three nodes, each in its own folder: the text is the deployed one with
    only the addresses and the store folder replaced (each replacement must apply)."""
    original = (DEPLOY / "nats.conf").read_text()
    clients, routes, monitors = ([free_port() for _ in range(3)] for _ in range(3))
    nodes = []
    for i in range(3):
        folder = tmp / f"nats-{i + 1}"
        copy_security_config(folder)
        text = original
        replacements = [("listen: 0.0.0.0:4222", f"listen: 127.0.0.1:{clients[i]}"),
                        ("http: 0.0.0.0:8222", f"http: 127.0.0.1:{monitors[i]}"),
                        ("listen: 0.0.0.0:6222", f"listen: 127.0.0.1:{routes[i]}"),
                        ("store_dir: /data", f"store_dir: \"{folder / 'data'}\"")]
        replacements += [(f"nats-route://nats-{j + 1}:6222", f"nats-route://127.0.0.1:{routes[j]}")
                         for j in range(3)]
        for old, new in replacements:
            assert text.count(old) == 1, f"deploy/nats.conf no longer has {old!r}"
            text = text.replace(old, new)
        (folder / "nats.conf").write_text(text)
        nodes.append(DeployedNode(f"nats-{i + 1}", folder, clients[i], monitors[i]))
    return nodes


def start_deployed_node(node: DeployedNode, environment: dict[str, str]) -> subprocess.Popen:
    """The node as deployed: through deploy/nats-start.sh, which checks the JetStream key."""
    env = {**os.environ, **environment, "NATS_NAME": node.name, "NATS_STORE_DIR": str(node.store),
           "NATS_SERVER_BIN": find_nats_server()}
    return subprocess.Popen(["sh", str(DEPLOY / "nats-start.sh"), "-c", str(node.folder / "nats.conf")],
                            env=env, stdout=open(node.folder / "nats-server.log", "ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


@contextlib.contextmanager
def deployed_cluster(tmp: Path) -> Iterator[tuple[list[DeployedNode], dict[str, str]]]:
    """deploy/nats.conf's three nodes on free local ports, each started as deployed.
    Yields (the nodes, passwords)."""
    passwords = nats_passwords()
    nodes = deployed_nodes(tmp)
    processes = []
    try:
        processes = [start_deployed_node(node, passwords) for node in nodes]
        for node in nodes:
            wait_for_port(node.client_port, 20)
        yield nodes, passwords
    finally:
        for process in processes:
            _stop(process)


async def routed_and_healthy(monitor_ports: list[int]) -> bool:
    """Every node routed to the two others and healthy (a JetStream meta leader is elected): until
    then a stream cannot be created."""
    async with httpx.AsyncClient() as http:
        try:
            routes = [(await http.get(f"http://127.0.0.1:{m}/routez")).json()["num_routes"] for m in monitor_ports]
            healthy = [(await http.get(f"http://127.0.0.1:{m}/healthz")).status_code for m in monitor_ports]
        except httpx.HTTPError:
            return False
    return all(n >= 2 for n in routes) and all(code == 200 for code in healthy)


async def wait_routed(nodes: list[DeployedNode]) -> None:
    """Wait until the nodes are routed and healthy; failing, say what each node logged (a node that
    could not start, or bind a port, says why there)."""
    try:
        await eventually(lambda: routed_and_healthy([n.monitor_port for n in nodes]), timeout=30,
                         message="three routed, healthy nodes")
    except AssertionError as failure:
        logs = "\n".join(f"--- {n.name}'s log:\n" + "\n".join(log_tail(n.folder / "nats-server.log"))
                         for n in nodes)
        raise AssertionError(f"{failure}\n{logs}") from None
