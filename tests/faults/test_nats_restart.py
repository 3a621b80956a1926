"""Restart nats-server (SIGTERM, then SIGKILL) while courses are being created and a stage runs:
every publish the server acknowledged is in the stream afterwards (a ledger of acknowledged
publishes is compared with the stream), and the gateway and the services reconnect by themselves."""
from __future__ import annotations

import asyncio
import signal

import pytest

from shared.bus.connection import connect
from shared.bus.lifecycle import pause
from shared.bus.eventstore import EventStore
from shared.events.catalogue import CourseCreated
from ops.local.nats_server import NatsServer
from tests.support.gateway import running_gateway
from tests.support.flows import scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import Process
from tests.support.waiting import eventually


class Ledger:
    """Publishes courses one after another; remembers the ids the server acknowledged."""

    def __init__(self, url: str) -> None:
        self.url, self.acknowledged, self.stop = url, [], asyncio.Event()

    async def run(self) -> None:
        nc = await connect(self.url, "ledger")
        store, n = EventStore(nc.jetstream()), 0
        try:
            while not self.stop.is_set():
                event = CourseCreated(course_id=f"ledger{n}", actor="ledger", payload={"owner_id": "l", "title": "t"})
                try:
                    await store.publish(event)
                except Exception:  # the server is away: this one is not acknowledged, try the next
                    await pause(self.stop, 0.05)  # back off, but stop at once when told
                    continue
                self.acknowledged.append(event.event_id)
                n += 1
        finally:
            await nc.close()


async def stored_ids(url: str) -> set[str]:
    nc = await connect(url, "check")
    try:
        js = nc.jetstream()
        last = (await js.stream_info("COURSES")).state.last_seq
        ids = set()
        for seq in range(1, last + 1):
            msg = await js.get_msg("COURSES", seq, direct=True)
            ids.add((msg.headers or {}).get("Nats-Msg-Id"))
        return ids
    finally:
        await nc.close()


def restart(server: NatsServer, sig: int) -> None:
    server.process.send_signal(sig)
    server.process.wait(30)
    server.start()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
async def test_acknowledged_publishes_survive_a_server_restart_and_everyone_reconnects(settings, tmp_path, sig):
    server = NatsServer(tmp_path / "nats").start()
    env = {"NATS_URL": server.url, "ALLOW_LOCAL_REPOS": "true"}
    services = [Process(["-m", f"services.{name}.main"], env) for name in ("repo_clone", "doc_analyser")]
    make_repo(tmp_path / "skyline", COURSE_REPO)
    gateway_settings = settings.model_copy(update={"nats_url": server.url, "allow_local_repos": True})
    try:
        async with running_gateway(gateway_settings) as api:
            ledger = Ledger(server.url)
            publishing = asyncio.create_task(ledger.run())
            await eventually(lambda: len(ledger.acknowledged) >= 50, timeout=30, message="publishing")
            restart(server, sig)
            await eventually(lambda: len(ledger.acknowledged) >= 150, timeout=60, message="publishing again")
            ledger.stop.set()
            await publishing

            assert set(ledger.acknowledged) <= await stored_ids(server.url)
            # The gateway and the services came back by themselves: a whole stage 1 and 2 run works.
            course_id = await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"])
            await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
            assert (await wait_for_stage(api, course_id, "stage2", timeout=90))["status"] == "SUCCESS"
    finally:
        for service in services:
            service.interrupt()
        server.stop()
