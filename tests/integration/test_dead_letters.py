"""Poison reaches a dead-letter stream with its reason, the consumer goes on with the next
message, and operators (only they) see, retry and drop dead letters through the gateway."""
from __future__ import annotations

import pytest

from shared.events.catalogue import PathwaysRequested
from tests.support.gateway import auth, running_gateway
from tests.support.flows import ALICE
from tests.support.processes import Process
from tests.support.waiting import eventually

ADMIN = auth("admin")
POISON_SUBJECT = "course.c1.PathwaysRequested"


@pytest.fixture
def pathway_service(nats_server):
    service = Process(["-m", "services.pathway.main"], {"NATS_URL": nats_server.url})
    yield service
    service.interrupt()


async def letters(api) -> list[dict]:
    response = await api.get("/api/admin/dead-letters", headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()["dead_letters"]


async def test_poison_is_dead_lettered_and_operators_can_retry_or_drop_it(settings, pathway_service):
    async with running_gateway(settings) as api:
        js = api.app.state.container.js
        await js.publish(POISON_SUBJECT, b'{"event_type": "PathwaysRequested", "payload": 7}')
        found = await eventually(lambda: _with(letters(api), 1), timeout=30, message="a dead letter")
        letter = found[0]
        assert letter["service"] == "pathway" and letter["subject"] == POISON_SUBJECT
        assert letter["reason"] and letter["original_seq"] >= 1 and '"payload": 7' in letter["data"]

        # The consumer went on: a valid request after the poison is handled (skipped: no such course).
        valid = PathwaysRequested(course_id="c2", actor="test", payload={"task_id": "t"})
        await js.publish(f"course.c2.{valid.event_type}", valid.to_json())
        pathway_service.wait_for_line(lambda line: f"skipping {valid.event_id}" in line, timeout=30)

        # The gateway's projector meets the poison on its own schedule: wait for its reject row.
        await eventually(lambda: _rejected(api, POISON_SUBJECT), timeout=30, message="a projection reject")
        assert (await api.get("/api/admin/dead-letters", headers=ALICE)).status_code == 403

        retried = await api.post(f"/api/admin/dead-letters/{letter['seq']}/retry", headers=ADMIN)
        assert retried.status_code == 202, retried.text
        again = await eventually(lambda: _with(letters(api), 1), timeout=30, message="poison back")
        assert again[0]["seq"] != letter["seq"]  # still poison: dead-lettered anew, the old one gone
        dropped = await api.delete(f"/api/admin/dead-letters/{again[0]['seq']}", headers=ADMIN)
        assert dropped.status_code == 200 and await letters(api) == []
        missing = await api.delete(f"/api/admin/dead-letters/{again[0]['seq']}", headers=ADMIN)
        assert missing.status_code == 404 and "no dead letter" in missing.json()["detail"]


async def _with(pending, count: int):
    found = await pending
    return found if len(found) == count else None


async def _rejected(api, subject: str) -> bool:
    listing = (await api.get("/api/admin/dead-letters", headers=ADMIN)).json()
    return any(r["subject"] == subject for r in listing["projection_rejects"])
