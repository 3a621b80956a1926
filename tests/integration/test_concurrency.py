"""Racing commands on one course: optimistic concurrency, no lost updates, no duplicates."""
from __future__ import annotations

import asyncio

import pytest

from shared.events.catalogue import CourseCreated, CourseUpdated
from tests.support.gateway import auth
from tests.support.gateway import running_gateway

PROJECTS = "/api/projects/"
RACERS = 10


@pytest.fixture
async def gateway(settings):
    async with running_gateway(settings) as client:
        yield client


async def create(gateway, user: str = "alice") -> dict:
    response = await gateway.post(PROJECTS, json={"title": "Course"}, headers=auth(user))
    assert response.status_code == 201, response.text
    return response.json()


async def test_two_puts_with_the_same_if_match_one_wins_one_conflicts(gateway):
    course = await create(gateway)
    url = f"{PROJECTS}{course['course_id']}"
    etag = (await gateway.get(url, headers=auth("alice"))).headers["ETag"]
    first, second = await asyncio.gather(*(
        gateway.put(url, json={"title": title}, headers={**auth("alice"), "If-Match": etag})
        for title in ("from A", "from B")))

    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409], (first.text, second.text)
    winner, loser = (first, second) if first.status_code == 200 else (second, first)
    assert "If-Match names revision 1 but it is at revision 2" in loser.json()["detail"]
    assert loser.headers["ETag"] == '"2"' == winner.headers["ETag"]
    final = (await gateway.get(url, headers=auth("alice"))).json()
    assert final["title"] == winner.json()["title"] and final["revision"] == 2


async def race_unconditional_puts(gateway, course_id: str) -> list:
    url = f"{PROJECTS}{course_id}"
    return await asyncio.gather(*(
        gateway.put(url, json={"description": f"d{n}"}, headers=auth("alice")) for n in range(RACERS)))


async def test_concurrent_puts_without_if_match_are_all_applied(gateway):
    """Without If-Match an update does not depend on the revision: racing ones must all succeed."""
    course_id = (await create(gateway))["course_id"]
    responses = await race_unconditional_puts(gateway, course_id)

    refused = [r.json()["detail"] for r in responses if r.status_code != 200]
    assert not refused, f"{len(refused)} of {RACERS} unconditional updates refused: {refused[0]}"
    final = (await gateway.get(f"{PROJECTS}{course_id}", headers=auth("alice"))).json()
    assert final["revision"] == 1 + RACERS
    updates = await logged_updates(gateway, course_id)
    assert [e.payload.revision for e in updates] == list(range(2, 2 + RACERS))
    assert sorted(e.payload.description for e in updates) == sorted(f"d{n}" for n in range(RACERS))


async def test_racing_puts_lose_no_accepted_update_and_write_nothing_when_refused(gateway):
    """Whatever the outcome of each racer, the log holds exactly the accepted updates, each once,
    with contiguous revisions, and the read row is the last of them."""
    course_id = (await create(gateway))["course_id"]
    responses = await race_unconditional_puts(gateway, course_id)

    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    assert all("retry" in r.json()["detail"] for r in responses if r.status_code == 409)
    # A 200 body is the row as read after the change, possibly already overtaken by another
    # racer, so what was accepted is known from the requests, not from the bodies.
    accepted = sorted(f"d{n}" for n, r in enumerate(responses) if r.status_code == 200)
    updates = await logged_updates(gateway, course_id)
    assert [e.payload.revision for e in updates] == list(range(2, 2 + len(accepted)))
    assert sorted(e.payload.description for e in updates) == accepted
    final = (await gateway.get(f"{PROJECTS}{course_id}", headers=auth("alice"))).json()
    assert final["revision"] == 1 + len(accepted)
    assert final["description"] == updates[-1].payload.description


async def logged_updates(gateway, course_id: str) -> list[CourseUpdated]:
    history = await gateway.app.state.container.store.load(course_id)
    return [e for e in history.events if isinstance(e, CourseUpdated)]


async def test_republishing_the_same_event_id_is_deduplicated(gateway):
    container = gateway.app.state.container
    event = CourseCreated(course_id="dup1", actor="alice",
                          payload={"owner_id": "alice", "title": "Once"})
    first = await container.store.publish(event)
    again = await container.store.publish(event)

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.stream_seq == first.stream_seq
    state = (await container.js.stream_info(container.settings.stream_name)).state
    assert state.messages == 1 and state.last_seq == first.stream_seq
    assert await container.projector.wait_for(first.stream_seq, 5.0)
    rows = await container.pool.fetchval(
        f"SELECT count(*) FROM {container.settings.read_schema}.courses WHERE course_id = 'dup1'")
    assert rows == 1
    assert (await gateway.get(f"{PROJECTS}dup1", headers=auth("alice"))).json()["title"] == "Once"
