"""Stage services run as real processes: replicas share one durable consumer on their request
subject, every request is acknowledged once handled, and poison is terminated, not retried."""
from __future__ import annotations

import json
import os

import pytest

from shared.bus.eventstore import EventStore
from shared.events.catalogue import (
    CourseGenerationRequested, DocsAnalysisRequested, PathwaysRequested, RepoCloneRequested,
)
from tests.support.processes import Process
from tests.support.waiting import eventually

REQUESTS = {
    "repo_clone": (RepoCloneRequested, {"task_id": "t", "repo_url": "https://example.org/r.git"}),
    "doc_analyser": (DocsAnalysisRequested, {"task_id": "t", "complexity_level": "beginner"}),
    "pathway": (PathwaysRequested, {"task_id": "t"}),
    "modules": (CourseGenerationRequested, {"task_id": "t", "pathway_id": "p"}),
}


def _handled_ids(process: Process) -> list[str]:
    """Ids of the requests the process handled: these courses do not exist, so each service
    logs that it skips the request."""
    ids = []
    while not process.lines.empty():
        process.output.append(process.lines.get())
    for line in process.output:
        if line.startswith("{") and "skipping" in line:
            ids.append(json.loads(line)["message"].split()[1].rstrip(":"))
    return ids


@pytest.mark.parametrize("service", sorted(REQUESTS))
async def test_replicas_share_the_durable_and_ack_every_request(service, nats_server, js):
    request_cls, payload = REQUESTS[service]
    env = {"NATS_URL": nats_server.url}
    replicas = [Process(["-m", f"services.{service}.main"], env) for _ in range(2)]
    try:
        await eventually(lambda: _consumer_waiting(js, service, at_least=2), timeout=30,
                         message="both replicas pulling from the shared durable")
        store = EventStore(js)
        sent = [request_cls(course_id=f"c{i}", actor="test", payload=payload) for i in range(12)]
        for event in sent:
            await store.publish(event)
        await js.publish(f"course.c99.{request_cls.type_name()}", b"{not json")
        last = (await js.stream_info("COURSES")).state.last_seq
        await eventually(lambda: _consumer_done(js, service, last), timeout=30,
                         message="every request acknowledged or terminated")
        handled = [i for r in replicas for i in _handled_ids(r)]
        assert sorted(handled) == sorted(e.event_id for e in sent)  # each once, by one replica
        assert any("terminates poison" in line for r in replicas for line in r.output)
    finally:
        for replica in replicas:
            replica.interrupt()


async def _consumer_waiting(js, durable: str, at_least: int) -> bool:
    try:
        return (await js.consumer_info("COURSES", durable)).num_waiting >= at_least
    except Exception:
        return False


async def _consumer_done(js, durable: str, last_seq: int) -> bool:
    info = await js.consumer_info("COURSES", durable)
    return info.ack_floor.stream_seq >= last_seq and info.num_ack_pending == 0


OLD_NATS = "/usr/sbin/nats-server"  # Debian's 2.9, a real server too old for the design


@pytest.mark.skipif(not os.path.exists(OLD_NATS), reason="Debian nats-server 2.9 not installed")
def test_a_stage_service_refuses_a_server_older_than_2_11(tmp_path):
    from ops.local.nats_server import NatsServer

    old = NatsServer(tmp_path / "old", binary=OLD_NATS).start()
    try:
        service = Process(["-m", "services.repo_clone.main"], {"NATS_URL": old.url})
        line = service.wait_for_line(lambda l: "too old" in l, timeout=30)
        assert "2.9" in line and "2.11" in line
        assert service.popen.wait(30) != 0
    finally:
        old.stop()
