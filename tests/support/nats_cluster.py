"""A plain 3-node nats-server cluster on this machine (free ports, one temporary folder per node,
JetStream with sync_interval: always as deployed) whose nodes a test can kill, restart, pause and
resume; and what a test asks of it: where the stream's leader is, whether every replica caught up."""
from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from shared.bus.connection import connect
from ops.local.nats_server import find_nats_server
from ops.local.ports import free_port, wait_for_port


@dataclass
class Node:
    name: str
    folder: Path
    client_port: int
    route_port: int
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"


class LocalCluster:
    def __init__(self, tmp: Path, size: int = 3) -> None:
        self.nodes = [Node(f"n{i + 1}", tmp / f"n{i + 1}", free_port(), free_port()) for i in range(size)]
        routes = ", ".join(f"nats-route://127.0.0.1:{n.route_port}" for n in self.nodes)
        for node in self.nodes:
            node.folder.mkdir(parents=True, exist_ok=True)
            (node.folder / "nats.conf").write_text(
                f"server_name: {node.name}\n"
                f"listen: 127.0.0.1:{node.client_port}\n"
                f"jetstream {{\n  store_dir: \"{node.folder / 'data'}\"\n  sync_interval: always\n}}\n"
                f"cluster {{\n  name: coursegen-test\n  listen: 127.0.0.1:{node.route_port}\n"
                f"  routes: [{routes}]\n}}\n")

    @property
    def url(self) -> str:
        """NATS_URL naming every node, as the services are given it."""
        return ",".join(n.url for n in self.nodes)

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def start(self, node: Node) -> None:
        log = open(node.folder / "nats-server.log", "ab")
        node.process = subprocess.Popen([find_nats_server(), "-c", str(node.folder / "nats.conf")],
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_for_port(node.client_port, 20)

    def start_all(self) -> "LocalCluster":
        for node in self.nodes:
            self.start(node)
        return self

    def kill(self, node: Node) -> None:
        """SIGKILL: no lame-duck, no flush; what was not synced is gone."""
        node.process.send_signal(signal.SIGKILL)
        node.process.wait(10)

    def pause(self, node: Node) -> None:
        """SIGSTOP: the node is alive but silent, as behind a network partition."""
        os.kill(node.process.pid, signal.SIGSTOP)

    def resume(self, node: Node) -> None:
        os.kill(node.process.pid, signal.SIGCONT)

    def stop_all(self) -> None:
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                os.kill(node.process.pid, signal.SIGCONT)  # a paused node cannot act on SIGTERM
                node.process.terminate()
                try:
                    node.process.wait(15)
                except subprocess.TimeoutExpired:
                    node.process.kill()
                    node.process.wait()


async def stream_placement(url: str, stream: str) -> tuple[str | None, dict[str, bool]]:
    """(the stream's leader, each other replica's name -> caught up and online), as the cluster
    answers it now; (None, {}) while it cannot (no leader, no quorum)."""
    nc = await connect(url, "cluster-probe")
    try:
        info = await nc.jetstream(timeout=2).stream_info(stream)
    except Exception:
        return None, {}
    finally:
        await nc.close()
    cluster = info.cluster
    if cluster is None or not cluster.leader:
        return None, {}
    return cluster.leader, {r.name: bool(r.current) and not r.offline for r in cluster.replicas or []}


async def healthy_leader(url: str, stream: str, replicas: int) -> str | None:
    """The stream's leader once every replica is online and caught up, else None."""
    leader, others = await stream_placement(url, stream)
    if leader and len(others) == replicas - 1 and all(others.values()):
        return leader
    return None
