"""Text PostgreSQL cannot store or UTF-8 cannot encode: refused at the door with the character
named, and, should such an event reach the log by another way, set aside by the projector while
every event behind it is still projected."""
from __future__ import annotations

import pytest

from shared.bus.eventstore import EventStore
from shared.events.catalogue import CourseCreated
from tests.support.gateway import running_gateway
from tests.support.flows import ALICE, new_course
from tests.support.waiting import eventually


@pytest.mark.parametrize("raw, named", [
    (b'{"title": "a\\u0000b"}', "U+0000"),
    (b'{"title": "ok", "description": "bell \\u0007"}', "U+0007"),
    (b'{"title": "\\ud800"}', "valid string"),
])
async def test_control_characters_and_lone_surrogates_are_422_naming_them(settings, raw, named):
    async with running_gateway(settings) as api:
        before = (await api.app.state.container.js.stream_info("COURSES")).state.last_seq
        response = await api.post("/api/projects/", content=raw,
                                  headers={**ALICE, "content-type": "application/json"})
        assert response.status_code == 422 and named in response.text, response.text
        assert (await api.app.state.container.js.stream_info("COURSES")).state.last_seq == before


async def test_an_unstorable_event_in_the_log_is_set_aside_and_the_rest_projects(settings):
    async with running_gateway(settings) as api:
        c = api.app.state.container
        bad = CourseCreated(course_id="nulcourse", actor="other-system",
                            payload={"owner_id": "alice", "title": "nul \x00 inside", "description": ""})
        await EventStore(c.js).publish(bad)
        course_id = await new_course(api, title="after the bad one")

        async def rejected():
            return await c.pool.fetchval(f"SELECT reason FROM {c.settings.read_schema}.projection_rejects")
        reason = await eventually(rejected, timeout=10, message="the bad event set aside")
        assert "CharacterNotInRepertoire" in reason or "0x00" in reason
        listed = (await api.get("/api/projects/", headers=ALICE)).json()
        assert [course["course_id"] for course in listed] == [course_id]
