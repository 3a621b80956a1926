"""JetStream encrypted at rest as deployed: deploy/nats.conf's three nodes started through
deploy/nats-start.sh on this machine keep the log unreadable on disk, a node given the wrong key
refuses to start (nats-server alone would start without the streams it cannot decrypt), the right
key serves the stream again, and a node's key is changed by emptying its store: it catches up from
its peers under the new key."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import yaml

from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events.catalogue import CourseCreated, CourseCreatedPayload
from ops.local.ports import wait_for_port
from tests.deploy.deployment import DEPLOY, K8S, nats_passwords, password_variable
from tests.deploy.natsrun import DeployedNode, deployed_nodes, start_deployed_node, wait_routed
from tests.support.waiting import eventually

MARKER = "Encrypted-at-rest course title 0123456789"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(15)


def files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


async def stored_messages(node: DeployedNode) -> int:
    """How many messages this node's own replica of COURSES holds (its monitoring endpoint)."""
    async with httpx.AsyncClient() as client:
        jsz = (await client.get(f"http://127.0.0.1:{node.monitor_port}/jsz?accounts=true&streams=true")).json()
    return sum(stream["state"]["messages"] for account in jsz.get("account_details", [])
               for stream in account.get("stream_detail", []) if stream["name"] == "COURSES")


async def test_the_deployed_cluster_keeps_the_log_encrypted_and_refuses_a_wrong_key(tmp_path):
    environment = nats_passwords()
    nodes = deployed_nodes(tmp_path)
    processes = {node.name: start_deployed_node(node, environment) for node in nodes}
    try:
        for node in nodes:
            wait_for_port(node.client_port, 20)
        await wait_routed(nodes)
        password = environment[password_variable("gateway")]
        nc = await connect(",".join(f"nats://gateway:{password}@127.0.0.1:{n.client_port}" for n in nodes),
                           "encryption-test")
        js = nc.jetstream()
        await provision(js, StreamSpec(name="COURSES", replicas=3))
        created = CourseCreated(course_id="c-encrypted", actor="alice",
                                payload=CourseCreatedPayload(owner_id="alice", title=MARKER))
        await EventStore(js).append(created, 0)
        await nc.close()
        for node in nodes:
            await eventually(lambda node=node: stored_messages(node), timeout=20,
                             message=f"{node.name} holding the event")
            # Acknowledged writes are synced (sync_interval: always): what is on disk is all there is.
            assert not files_containing(node.store, MARKER.encode()), f"{node.name} stores the log in clear"

        first = nodes[0]
        stop(processes.pop(first.name))
        check = (first.store / "coursegen-key-check").read_text()
        wrong = {**environment, "NATS_JETSTREAM_KEY": "another-key-0123456789abcdef0123456789abcdef"}
        refused = start_deployed_node(first, wrong)
        assert refused.wait(20) == 78
        assert "refusing to start" in (first.folder / "nats-server.log").read_text()
        assert (first.store / "coursegen-key-check").read_text() == check

        processes[first.name] = start_deployed_node(first, environment)
        wait_for_port(first.client_port, 20)
        assert await eventually(lambda: stored_messages(first), timeout=20,
                                message="the restarted node serving its replica") == 1

        # Changing the node's key: its store emptied, it catches up from its peers under the new key.
        stop(processes.pop(first.name))
        shutil.rmtree(first.store)
        rotated = {**environment, "NATS_JETSTREAM_KEY": "rotated-key-0123456789abcdef0123456789abcdef"}
        processes[first.name] = start_deployed_node(first, rotated)
        wait_for_port(first.client_port, 20)
        assert await eventually(lambda: stored_messages(first), timeout=30,
                                message="the re-keyed node catching up from its peers") == 1
        assert not files_containing(first.store, MARKER.encode())
    finally:
        for process in processes.values():
            stop(process)


def test_every_deployment_starts_nats_through_the_key_check_with_a_key_from_a_secret():
    assert (K8S / "nats" / "nats-start.sh").read_text() == (DEPLOY / "nats-start.sh").read_text()
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name in ("nats-1", "nats-2", "nats-3"):
        node = compose["services"][name]
        assert node["command"] == ["sh", "/etc/nats/nats-start.sh", "-c", "/etc/nats/nats.conf"]
        assert "./nats-start.sh:/etc/nats/nats-start.sh:ro" in node["volumes"]
        assert node["environment"]["NATS_JETSTREAM_KEY"].startswith("${NATS_JETSTREAM_KEY:?")
    manifests = list(yaml.safe_load_all((K8S / "nats.yaml").read_text()))
    nats = next(m for m in manifests if m and m["kind"] == "StatefulSet")
    container = nats["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["sh", "/etc/nats/nats-start.sh", "-c", "/etc/nats/nats.conf"]
    assert {"secretRef": {"name": "coursegen-nats"}} in container["envFrom"]
    secret = next(s for s in yaml.safe_load_all((K8S / "secrets.example.yaml").read_text())
                  if s and s["metadata"]["name"] == "coursegen-nats")
    assert "NATS_JETSTREAM_KEY" in secret["stringData"]
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    generated = next(g for g in kustomization["configMapGenerator"] if g["name"] == "nats-config")
    assert "nats/nats-start.sh" in generated["files"]
