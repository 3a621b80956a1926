"""The projector applies the log in order, exactly once, across restarts; replay rebuilds the same
read tables while the gateway keeps serving."""
from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections import Counter
from dataclasses import dataclass

import asyncpg
import pytest
from nats.js import JetStreamContext

from services.gateway.projection.projector import (
    Projector, ReaderSkipped, apply_batch, ensure_schema, log_start_of, read_checkpoint, reader_from,
)
from services.gateway.projection.replay import reproject_from
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events import Event
from shared.events.catalogue import CourseCreated, CourseUpdated
from tests.support.gateway import auth
from tests.support.gateway import running_gateway
from tests.support.lifecycle import cancel_until_done
from tests.support.read_tables import read_tables, replay_live

SCHEMA = "proj"
WAIT = 20.0


# --- fixtures and helpers ----------------------------------------------------------------------
@dataclass
class Bus:
    js: JetStreamContext
    store: EventStore
    pool: asyncpg.Pool

    async def last_seq(self) -> int:
        return (await self.js.stream_info("COURSES")).state.last_seq

    async def checkpoint(self) -> int:
        async with self.pool.acquire() as conn:
            return await read_checkpoint(conn, SCHEMA)


@pytest.fixture
async def bus(nats_server, database_url):
    """The log and a read schema, without a gateway: the projector is driven by the test."""
    nc = await connect(nats_server.url, "projector-test")
    js = nc.jetstream()
    await provision(js, StreamSpec())
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    try:
        await ensure_schema(pool, SCHEMA)
        yield Bus(js, EventStore(js), pool)
    finally:
        await pool.close()
        await nc.close()


@contextlib.asynccontextmanager
async def projecting(bus: Bus, batch_size: int = 256):
    projector, stop = Projector(bus.js, bus.pool, SCHEMA, batch_size=batch_size), asyncio.Event()
    task = asyncio.create_task(projector.run(stop), name="test-projector")
    try:
        yield projector
    finally:
        # Stop abruptly, as a crash would: cancel at once, and again often, because a single
        # cancel() can be swallowed inside nats-py (see test_shutdown.py) and a projector stopped
        # "mid-stream" must not be given time to finish the log meanwhile.
        stop.set()
        await cancel_until_done(task, every=0.002)


def created(course_id: str, owner: str = "alice", title: str = "t") -> CourseCreated:
    return CourseCreated(course_id=course_id, actor=owner, payload={"owner_id": owner, "title": title})


def course_script(courses: int = 50, total: int = 300, seed: int = 7) -> tuple[list[Event], Counter]:
    """`courses` creates spread through `total` events, the rest updates of created courses."""
    rng, updates, events = random.Random(seed), Counter(), []
    every = total // courses
    for i in range(total):
        if i % every == 0:
            course_id = f"c{i // every:03d}"
            updates[course_id] = 0
            events.append(created(course_id, title=f"{course_id} r1"))
        else:
            course_id = rng.choice(sorted(updates))
            updates[course_id] += 1
            revision = updates[course_id] + 1
            events.append(CourseUpdated(course_id=course_id, actor="alice", payload={
                "title": f"{course_id} r{revision}", "revision": revision}))
    return events, updates


async def publish_all(store: EventStore, events: list[Event]) -> dict[str, int]:
    """Publish in order; return each course's last stream sequence."""
    last = {}
    for event in events:
        last[event.course_id] = (await store.publish(event)).stream_seq
    return last


async def course_rows(pool: asyncpg.Pool, schema: str) -> dict[str, asyncpg.Record]:
    rows = await pool.fetch(f"SELECT course_id, title, revision, last_seq FROM {schema}.courses")
    return {row["course_id"]: row for row in rows}


# --- ordering and restarts ---------------------------------------------------------------------
async def test_restart_mid_stream_applies_every_event_exactly_once(bus):
    events, updates = course_script()
    last_seq_of = await publish_all(bus.store, events)
    last = await bus.last_seq()
    assert last == len(events)

    async with projecting(bus, batch_size=5) as first:
        assert await first.wait_for(last // 2, WAIT), "first projector never reached half the log"
    stopped_at = await bus.checkpoint()
    assert last // 2 <= stopped_at < last, "the first projector should stop mid-stream"

    async with projecting(bus, batch_size=7) as second:
        assert await second.wait_for(last, WAIT), f"second projector stuck at {second.position}"

    assert await bus.checkpoint() == last
    rows = await course_rows(bus.pool, SCHEMA)
    assert sorted(rows) == sorted(updates)
    for course_id, count in updates.items():
        row = rows[course_id]
        assert row["revision"] == count + 1, course_id
        assert row["title"] == f"{course_id} r{count + 1}", course_id
        assert row["last_seq"] == last_seq_of[course_id], course_id
    assert await bus.pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.projection_rejects") == 0


async def test_events_at_or_below_the_checkpoint_are_not_applied_again(bus):
    events, updates = course_script(courses=5, total=30)
    await publish_all(bus.store, events)
    last = await bus.last_seq()
    async with projecting(bus) as projector:
        assert await projector.wait_for(last, WAIT)
    before = await course_rows(bus.pool, SCHEMA)
    await bus.pool.execute(f"UPDATE {SCHEMA}.courses SET title = 'marker'")

    async with projecting(bus) as again:  # starts from the checkpoint, finds nothing new
        assert await again.wait_for(last, WAIT)
    after = await course_rows(bus.pool, SCHEMA)
    assert {c: r["title"] for c, r in after.items()} == {c: "marker" for c in before}
    assert await bus.checkpoint() == last


# --- a reader that skips ------------------------------------------------------------------------
async def read_log(js: JetStreamContext, count: int) -> list:
    sub = await reader_from(js, "COURSES", 1)
    try:
        return await sub.fetch(count, timeout=5.0)
    finally:
        await sub.unsubscribe()


async def test_a_batch_that_skips_events_still_in_the_log_is_refused_and_nothing_is_written(bus):
    """A reader on a node still catching up can hand over event 4 right after 2, as if 3 were
    deleted; the stream never deletes, so applying on would lose event 3 for good."""
    await publish_all(bus.store, [created(f"c{i}") for i in range(1, 6)])
    messages = await read_log(bus.js, 5)
    skipping = [m for m in messages if m.metadata.sequence.stream != 3]
    async with bus.pool.acquire() as conn:
        with pytest.raises(ReaderSkipped, match="seq 4 after 2"):
            async with conn.transaction():
                await apply_batch(conn, SCHEMA, skipping, log_start_of(bus.js, "COURSES"))
    assert await bus.checkpoint() == 0
    assert await course_rows(bus.pool, SCHEMA) == {}
    async with bus.pool.acquire() as conn, conn.transaction():
        assert await apply_batch(conn, SCHEMA, messages, log_start_of(bus.js, "COURSES")) == 5
    assert sorted(await course_rows(bus.pool, SCHEMA)) == [f"c{i}" for i in range(1, 6)]


async def test_events_aged_out_of_the_log_are_no_gap(bus):
    """Where an operator gave the stream limits, events older than its first sequence are gone:
    the projector starts from what is there instead of waiting for them."""
    config = (await bus.js.stream_info("COURSES")).config
    config.max_msgs = 3
    await bus.js.update_stream(config)
    last = (await publish_all(bus.store, [created(f"c{i}") for i in range(1, 7)]))["c6"]
    assert (await bus.js.stream_info("COURSES")).state.first_seq == 4
    async with projecting(bus) as projector:
        assert await projector.wait_for(last, WAIT), f"projector stuck at {projector.position}"
    assert sorted(await course_rows(bus.pool, SCHEMA)) == ["c4", "c5", "c6"]


# --- poison messages ---------------------------------------------------------------------------
async def test_undecodable_messages_are_rejected_and_projection_goes_on(bus):
    await bus.store.publish(created("before"))
    not_json = (await bus.js.publish("course.x1.Bogus", b"not json")).seq
    unknown = (await bus.js.publish("course.x2.CourseRenamed", json.dumps(
        {"event_type": "CourseRenamed", "course_id": "x2"}).encode())).seq
    after = (await bus.store.publish(created("after"))).stream_seq

    async with projecting(bus) as projector:
        assert await projector.wait_for(after, WAIT), f"projector stuck at {projector.position}"

    rejects = await bus.pool.fetch(f"SELECT * FROM {SCHEMA}.projection_rejects ORDER BY stream_seq")
    assert [(r["stream_seq"], r["subject"]) for r in rejects] == [
        (not_json, "course.x1.Bogus"), (unknown, "course.x2.CourseRenamed")]
    assert "not valid JSON" in rejects[0]["reason"]
    assert "unknown event type 'CourseRenamed'" in rejects[1]["reason"]
    assert sorted(await course_rows(bus.pool, SCHEMA)) == ["after", "before"]
    assert await bus.checkpoint() == after


async def test_event_with_an_unreadable_schema_version_is_rejected_not_blocking(bus):
    raw = json.loads(created("odd").to_json())
    raw["schema_version"] = "two"
    odd = (await bus.js.publish("course.odd.CourseCreated", json.dumps(raw).encode())).seq
    after = (await bus.store.publish(created("after"))).stream_seq

    async with projecting(bus) as projector:
        reached = await projector.wait_for(after, 5.0)
    assert reached, f"projection blocked at seq {projector.position} by the message at seq {odd}"
    subjects = await bus.pool.fetch(f"SELECT subject FROM {SCHEMA}.projection_rejects")
    assert [r["subject"] for r in subjects] == ["course.odd.CourseCreated"]


# --- replay through a running gateway ----------------------------------------------------------
@pytest.fixture
async def gateway(settings):
    async with running_gateway(settings) as client:
        yield client


async def make_history(gateway) -> None:
    """Creates, updates and deletes by two users through the API, and one poison message."""
    ids = {}
    for user, title in [("alice", "a1"), ("alice", "a2"), ("alice", "a3"), ("bob", "b1"), ("bob", "b2")]:
        response = await gateway.post("/api/projects/", json={"title": title, "description": f"about {title}"},
                                      headers=auth(user))
        assert response.status_code == 201, response.text
        ids[title] = response.json()["course_id"]
    for title, change in [("a1", {"title": "a1 v2"}), ("a1", {"description": "new"}), ("b1", {"title": "b1 v2"})]:
        user = "alice" if title.startswith("a") else "bob"
        response = await gateway.put(f"/api/projects/{ids[title]}", json=change, headers=auth(user))
        assert response.status_code == 200, response.text
    for title, user in [("a2", "alice"), ("b2", "bob")]:
        response = await gateway.delete(f"/api/projects/{ids[title]}", headers=auth(user))
        assert response.status_code == 200, response.text
    container = gateway.app.state.container
    seq = (await container.js.publish("course.zz.Bogus", b"\x00not json")).seq
    assert await container.projector.wait_for(seq, WAIT)


async def test_replay_rebuilds_identical_read_tables(gateway):
    await make_history(gateway)
    c = gateway.app.state.container
    before = await read_tables(c.pool, c.settings.read_schema)
    assert len(before["courses"]) == 3 and len(before["deleted_courses"]) == 2
    assert len(before["projection_rejects"]) == 1

    report = await replay_live(gateway)

    assert report.stream_seq == (await c.js.stream_info(c.settings.stream_name)).state.last_seq
    assert await read_tables(c.pool, c.settings.read_schema) == before


async def test_replay_after_the_read_schema_was_dropped_restores_it(gateway):
    await make_history(gateway)
    c = gateway.app.state.container
    before = await read_tables(c.pool, c.settings.read_schema)

    await c.pool.execute(f"DROP SCHEMA {c.settings.read_schema} CASCADE")
    await replay_live(gateway)

    assert await read_tables(c.pool, c.settings.read_schema) == before
    listed = await gateway.get("/api/projects/", headers=auth("alice"))
    assert sorted(course["title"] for course in listed.json()) == ["a1 v2", "a3"]


async def test_gateway_keeps_serving_reads_during_replay(gateway):
    c = gateway.app.state.container
    for n in range(300):  # enough log for the replay to take a while
        await c.store.publish(created(f"bulk{n:03d}", title=f"bulk {n}"))
    await make_history(gateway)
    expected = (await gateway.get("/api/projects/", params={"limit": 500}, headers=auth("alice"))).json()
    assert len(expected) == 302

    replaying = asyncio.create_task(replay_live(gateway))
    answers = []
    while not replaying.done():
        answers.append(await gateway.get("/api/projects/", params={"limit": 500}, headers=auth("alice")))
    await replaying

    assert len(answers) >= 2
    assert [r.status_code for r in answers] == [200] * len(answers), [r.text for r in answers if r.status_code != 200]
    assert all(r.json() == expected for r in answers)


async def test_reproject_from_a_sequence_restores_lost_rows_while_the_projector_runs(bus):
    events, _ = course_script(courses=10, total=120)
    await publish_all(bus.store, events)
    last = await bus.last_seq()
    async with projecting(bus) as projector:
        assert await projector.wait_for(last, WAIT)
        before = await read_tables(bus.pool, SCHEMA)
        # Rows lost after sequence N (a bad manual fix, an event once set aside): the courses
        # created from the middle of the log on. The stream is fresh, so event i has sequence i + 1.
        from_seq = last // 2
        lost = [e.course_id for i, e in enumerate(events) if isinstance(e, CourseCreated) and i + 1 >= from_seq]
        await bus.pool.execute(f"DELETE FROM {SCHEMA}.courses WHERE course_id = ANY($1)", lost)
        assert lost and await read_tables(bus.pool, SCHEMA) != before

        report = await reproject_from(bus.js, bus.pool, SCHEMA, from_seq)

        assert report.stream_seq == last
        assert await read_tables(bus.pool, SCHEMA) == before
        # The live projector goes on from where it was.
        more = await bus.store.publish(created("c-after", title="after the repair"))
        assert await projector.wait_for(more.stream_seq, WAIT)
    assert (await course_rows(bus.pool, SCHEMA))["c-after"]["title"] == "after the repair"
    assert await bus.checkpoint() == more.stream_seq
