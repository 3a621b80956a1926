"""The same events delivered again — republished with the same Nats-Msg-Id (inside the duplicate
window: the stream drops them) and with new ids (as if beyond the window: they are new messages) —
leave the read tables as a single delivery did, and make no stage do its work twice."""
from __future__ import annotations

import pytest

from services.gateway.projection.schema import READ_TABLES
from tests.support.gateway import running_gateway
from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.read_tables import read_tables
from tests.support.processes import stage_services
from tests.support.waiting import eventually

COMPARED = [t for t in READ_TABLES if t != "projection_checkpoint"]


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url, ("repo_clone", "doc_analyser")) as running:
        yield running


async def test_redelivered_and_republished_events_change_nothing(settings, services, tmp_path):
    make_repo(tmp_path / "skyline", COURSE_REPO)
    async with running_gateway(settings.model_copy(update={"allow_local_repos": True})) as api:
        course_id = await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"])
        for title in ("second title", "third title"):
            assert (await api.put(f"/api/projects/{course_id}", json={"title": title}, headers=ALICE)).status_code == 200
        await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
        assert (await wait_for_stage(api, course_id, "stage2"))["status"] == "SUCCESS"
        c = api.app.state.container
        once = await read_tables(c.pool, c.settings.read_schema)
        history = await c.store.load(course_id)

        for event in history.events:  # inside the window: the stream itself drops them
            assert (await c.store.publish(event)).duplicate
        last = (await c.js.stream_info("COURSES")).state.last_seq
        assert last == history.last_seq
        for event in history.events:  # beyond the window: new messages carrying the same events
            ack = await c.js.publish(f"course.{course_id}.{event.event_type}", event.to_json(),
                                     headers={"Nats-Msg-Id": f"again:{event.event_id}"})
            last = ack.seq
        assert await c.projector.wait_for(last, 30)

        twice = await read_tables(c.pool, c.settings.read_schema)
        assert {t: twice[t] for t in COMPARED} == {t: once[t] for t in COMPARED}
        course = (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()
        assert course["title"] == "third title" and course["status"] == "stage2_complete"
        # The services saw their requests again and did nothing: no new events for the course.
        await eventually(lambda: _handled(c.js, ("repo_clone", "doc_analyser"), last), timeout=30,
                         message="the services handled the repeated requests")
        assert (await c.store.load(course_id)).events[len(history.events):] == history.events


async def _handled(js, durables: tuple[str, ...], last: int) -> bool:
    for durable in durables:
        info = await js.consumer_info("COURSES", durable)
        if info.num_pending or info.num_ack_pending or info.delivered.stream_seq < last - 50:
            return False
    return True
