"""Course histories kept between read-only requests (services/gateway/caches/kept_histories.py), on a real
nats-server: each load is what `EventStore.load` reads — as events are appended, for a fork (its
inherited part read once), for concurrent requests — while only what is new is read; what is kept
stays within its bound, the least recently read course let go first."""
from __future__ import annotations

import asyncio

from services.gateway.caches.kept_histories import KeptHistories
from services.gateway.commands import CourseCommands
from shared.bus.eventstore import EventStore
from shared.events.catalogue import RepoCloned
from shared.events.subjects import subject_of
from tests.support.forking import forked_at, whole_course


async def appended(store: EventStore, events) -> list[tuple[int, object]]:
    return [((await store.publish(e)).stream_seq, e) for e in events]


class CountingStore(EventStore):
    """The real store, counting whole reads and the events each read after a sequence returned."""

    def __init__(self, js) -> None:
        super().__init__(js)
        self.whole_reads, self.typed_reads, self.newer = 0, 0, []

    async def load(self, course_id, timeout=5.0, only=None):
        if only is None:
            self.whole_reads += 1
        else:
            self.typed_reads += 1
        return await super().load(course_id, timeout, only)

    async def load_after(self, course_id, after_seq, timeout=5.0):
        found = await super().load_after(course_id, after_seq, timeout)
        self.newer.append(len(found.events))
        return found


def json_size(events) -> int:
    return sum(len(event.to_json()) for event in events)


def same(kept, whole) -> bool:
    return ([e.event_id for e in kept.events], kept.last_seq, kept.forks) == \
        ([e.event_id for e in whole.events], whole.last_seq, whole.forks)


async def test_a_kept_history_is_the_history_and_only_what_is_new_is_read(js):
    store = CountingStore(js)
    histories = KeptHistories(store, most_bytes=1_000_000)
    events = whole_course("course")
    await appended(store, events[:10])

    first = await histories.load("course")
    assert same(first, await EventStore(js).load("course")) and len(first.events) == 10
    again = await histories.load("course")  # nothing new: the kept history as it was
    assert same(again, first) and again.events is not first.events
    again.events.clear()  # the caller's own list
    assert len((await histories.load("course")).events) == 10
    await appended(store, events[10:])
    later = await histories.load("course")
    assert same(later, await EventStore(js).load("course")) and len(later.events) == len(events)
    assert store.whole_reads == 1 and store.newer == [0, 0, len(events) - 10]
    assert histories.bytes_kept == json_size(later.events)


async def test_an_unreadable_message_moves_the_sequence_commands_append_after(js):
    store = CountingStore(js)
    histories = KeptHistories(store, most_bytes=1_000_000)
    await appended(store, whole_course("course"))
    await histories.load("course")
    await js.publish(subject_of("course", RepoCloned), b'{"not": "an event"')
    kept = await histories.load("course")
    assert same(kept, await EventStore(js).load("course"))
    assert kept.last_seq == await store.last_seq("course")


async def test_a_fork_keeps_what_it_inherits_and_reads_its_own_new_events(js):
    store = CountingStore(js)
    source = await appended(store, whole_course("source"))
    fork = forked_at(source, "fork", "stage2", source[-1][0])
    await appended(store, [fork])
    histories = KeptHistories(store, most_bytes=1_000_000)
    kept = await histories.load("fork")
    assert kept.forks == 1
    await appended(store, whole_course("source")[:1])  # the source goes on: the fork does not see it
    renamed = whole_course("fork")[1]  # CourseUpdated of the fork itself
    await appended(store, [renamed])
    later = await histories.load("fork")
    assert same(later, await EventStore(js).load("fork"))
    assert later.events[-1].event_id == renamed.event_id and store.whole_reads == 1


async def test_concurrent_requests_read_the_same_history_once(js):
    store = CountingStore(js)
    histories = KeptHistories(store, most_bytes=1_000_000)
    await appended(store, whole_course("course")[:5])
    await histories.load("course")
    await appended(store, whole_course("course")[5:])
    answers = await asyncio.gather(*(histories.load("course") for _ in range(8)))
    whole = await EventStore(js).load("course")
    assert all(same(answer, whole) for answer in answers)
    assert sum(store.newer) == len(whole.events) - 5  # the new events were read once, not eight times


async def test_what_is_kept_stays_within_its_bound_the_least_recently_read_let_go_first(js):
    store = CountingStore(js)
    for course in ("a", "b", "c"):
        await appended(store, whole_course(course))
    size = {course: json_size((await EventStore(js).load(course)).events) for course in ("a", "b", "c")}
    bound = max(size["a"] + size["b"], size["a"] + size["c"])  # room for two, never three
    histories = KeptHistories(store, most_bytes=bound)
    await histories.load("a")
    await histories.load("b")
    await histories.load("a")  # now b is the least recently read
    await histories.load("c")
    assert histories.bytes_kept == size["a"] + size["c"]
    reads = store.whole_reads
    await histories.load("a")
    assert store.whole_reads == reads  # kept
    assert same(await histories.load("b"), await EventStore(js).load("b"))
    assert store.whole_reads == reads + 1  # let go, read whole again
    assert histories.bytes_kept <= bound


async def test_courses_without_events_leave_nothing_kept(js):
    store = CountingStore(js)
    histories = KeptHistories(store, most_bytes=1_000_000)
    for n in range(50):
        assert (await histories.load(f"nobody-{n}")).events == []
    assert (histories.courses_kept, histories.bytes_kept) == (0, 0)
    await appended(store, whole_course("course"))
    await histories.load("course")
    assert histories.courses_kept == 1


async def test_a_history_larger_than_the_bound_pushes_no_other_out(js):
    store = CountingStore(js)
    await appended(store, whole_course("course"))
    await appended(store, whole_course("other")[:1])
    other = json_size((await EventStore(js).load("other")).events)
    histories = KeptHistories(store, most_bytes=other)
    await histories.load("other")
    await histories.load("course")
    assert (histories.bytes_kept, histories.courses_kept) == (other, 1)
    await histories.load("other")
    assert store.whole_reads == 2  # other stayed kept (read whole once), course read whole once


async def test_a_history_larger_than_the_bound_is_read_whole_each_time_and_none_kept_is_the_setting_off(js):
    store = CountingStore(js)
    await appended(store, whole_course("course"))
    small = KeptHistories(store, most_bytes=100)
    assert same(await small.load("course"), await EventStore(js).load("course"))
    assert (small.bytes_kept, small.courses_kept) == (0, 0)
    off = KeptHistories(store, most_bytes=0)
    reads = store.whole_reads
    await off.load("course")
    await off.load("course")
    assert store.whole_reads == reads + 2 and off.bytes_kept == 0


class Unprojected:
    """No read tables here: every command is accepted without waiting for them."""

    async def wait_for(self, seq: int, timeout: float) -> bool:
        return False


async def test_a_command_on_a_kept_course_decides_from_the_kept_history(js):
    """A command reads only the types it decides on, unless the course's history is kept: then it
    is brought up to date with one read of what is new, and decides the same."""
    store = CountingStore(js)
    histories = KeptHistories(store, most_bytes=1_000_000)
    commands = CourseCommands(store, Unprojected(), 0.0, histories.load, histories.holds)
    course_id = (await commands.create("alice", "First", "")).course_id

    await commands.update("alice", False, course_id, 1, "Second", None)  # not kept: typed reads
    assert store.typed_reads == 1 and store.whole_reads == 0 and not histories.holds(course_id)
    await histories.load(course_id)  # a read request keeps it
    assert histories.holds(course_id)
    await commands.update("alice", False, course_id, 2, "Third", None)  # the revision as kept + new
    assert store.typed_reads == 1 and store.whole_reads == 1 and store.newer == [0]
    await commands.update("alice", False, course_id, 3, "Fourth", None)
    assert store.newer == [0, 1]  # the previous update, read as what is new
    titles = [e.payload.title for e in (await EventStore(js).load(course_id)).events[1:]]
    assert titles == ["Second", "Third", "Fourth"]
