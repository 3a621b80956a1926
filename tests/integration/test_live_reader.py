"""The projector's reader (services/gateway/projection/live_reader.py) against a real nats-server:
every event from the start sequence in order, an event stored while the reader idles handed over
at once, pull requests renewed when they expire, an ended reader reported, not waited on, and only
events read from a stream that holds other subjects too."""
from __future__ import annotations

import time

import pytest

from services.gateway.projection import live_reader
from services.gateway.projection.live_reader import LiveReader, ReaderLost
from services.gateway.projection.log_reader import every_event_filter, stream_seq
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events import ALL_EVENTS, decode_stored
from shared.events.catalogue import CourseCreated


def created(n: int) -> CourseCreated:
    return CourseCreated(course_id=f"c{n}", actor="alice", payload={"owner_id": "alice", "title": f"t{n}"})


@pytest.fixture
async def js(nats_server):
    nc = await connect(nats_server.url, "live-reader-test")
    js = nc.jetstream()
    await provision(js, StreamSpec())
    try:
        yield js
    finally:
        await nc.close()


async def publish(js, events) -> None:
    store = EventStore(js)
    for event in events:
        await store.publish(event)


async def take_until(reader: LiveReader, count: int, timeout: float = 10.0) -> list:
    taken, deadline = [], time.monotonic() + timeout
    while len(taken) < count and time.monotonic() < deadline:
        taken += await reader.take(0.2)
    return taken


async def test_every_event_from_the_start_sequence_in_order_in_batches_of_at_most_the_batch_size(js):
    await publish(js, [created(n) for n in range(1, 51)])
    reader = await LiveReader.open(js, "COURSES", 11, batch_size=8)
    try:
        batches = []
        while sum(map(len, batches)) < 40:
            batch = await reader.take(5.0)
            assert batch, "the reader stopped handing over events"
            batches.append(batch)
        assert all(len(b) <= 8 for b in batches)
        taken = [d for b in batches for d in b]
        assert [stream_seq(d.reply) for d in taken] == list(range(11, 51))
        assert [decode_stored(d.subject, d.data).course_id for d in taken] == [f"c{n}" for n in range(11, 51)]
        assert await reader.take(0.3) == []
    finally:
        await reader.close()


async def test_an_event_stored_while_the_reader_idles_is_handed_over_without_waiting_for_a_batch(js):
    reader = await LiveReader.open(js, "COURSES", 1, batch_size=256)
    try:
        assert await reader.take(0.3) == []
        await publish(js, [created(1)])
        started = time.monotonic()
        batch = await take_until(reader, 1)
        assert [stream_seq(d.reply) for d in batch] == [1]
        # Far less than the pull request's life: the reader did not wait for its batch to fill.
        assert time.monotonic() - started < live_reader.PULL_EXPIRES_SECONDS / 2
    finally:
        await reader.close()


async def test_expired_pull_requests_are_renewed(js, monkeypatch):
    monkeypatch.setattr(live_reader, "PULL_EXPIRES_SECONDS", 0.3)
    reader = await LiveReader.open(js, "COURSES", 1, batch_size=4)
    try:
        deadline = time.monotonic() + 1.5  # several lives of a request
        while time.monotonic() < deadline:
            assert await reader.take(0.1) == []
        await publish(js, [created(n) for n in range(1, 10)])
        assert [stream_seq(d.reply) for d in await take_until(reader, 9)] == list(range(1, 10))
    finally:
        await reader.close()


async def test_a_reader_whose_consumer_is_deleted_says_so(js):
    await publish(js, [created(1)])
    reader = await LiveReader.open(js, "COURSES", 1, batch_size=4)
    try:
        assert len(await take_until(reader, 1)) == 1
        await js.delete_consumer("COURSES", reader._consumer)
        with pytest.raises(Exception):
            await reader.check()
        with pytest.raises(ReaderLost):
            deadline = time.monotonic() + live_reader.PULL_EXPIRES_SECONDS + 5
            while time.monotonic() < deadline:
                await reader.take(0.2)
    finally:
        await reader.close()


async def test_closing_deletes_the_consumer(js):
    reader = await LiveReader.open(js, "COURSES", 1, batch_size=4)
    consumer = reader._consumer
    await reader.close()
    names = [c.name for c in await js.consumers_info("COURSES")]
    assert consumer not in names


async def test_a_stream_holding_other_subjects_is_read_through_a_filter_and_only_its_events_come(js):
    # As provisioned, the stream holds only events: the reader asks for no filter (a filtered
    # consumer costs the server more per message); with other subjects added, it filters them out.
    assert await every_event_filter(js, "COURSES") is None
    info = await js.stream_info("COURSES")
    info.config.subjects = [*info.config.subjects, "other.>"]
    await js.update_stream(info.config)
    assert await every_event_filter(js, "COURSES") == list(ALL_EVENTS)
    await publish(js, [created(1)])
    await js.publish("other.note", b"not an event", stream="COURSES")
    await publish(js, [created(2)])
    reader = await LiveReader.open(js, "COURSES", 1, batch_size=8)
    try:
        taken = await take_until(reader, 2)
        assert [stream_seq(d.reply) for d in taken] == [1, 3]
        assert await reader.take(0.3) == []
    finally:
        await reader.close()
