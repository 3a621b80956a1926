"""A fork's history on a real nats-server (shared/bus/eventstore.py): loading it reads what it
inherits from its source, bounded by the fork's sequence, through a fork of a fork, with `only`
too, and one event at a time (`load_each`) the same; its own sequence stays its own for appending;
and the private snapshot it inherits stays while it lives, after its source is deleted
(shared/bus/snapshots.py)."""
from __future__ import annotations

import pytest

from services.repo_clone.scanner import ScannedFile
from services.repo_clone.snapshot import SnapshotStore
from shared.bus.eventstore import EventStore
from shared.bus.snapshots import claim, release_course, snapshot_key
from shared.events.catalogue import (
    CourseForked, DocAnalysed, PathwaysGenerated, PathwaysRequested, RepoCloned, StageStarted,
)
from shared.stage.emitter import LIFECYCLE, is_current
from tests.support.forking import forked_at, whole_course

FILES = [ScannedFile(path="docs/a.md", size=5, is_documentation=True, is_overview_candidate=False)]


async def appended(store: EventStore, events) -> list[tuple[int, object]]:
    return [((await store.publish(e)).stream_seq, e) for e in events]


async def test_a_fork_loads_what_it_inherits_then_its_own_and_appends_after_its_own(js):
    store = EventStore(js)
    source = await appended(store, whole_course("source")[:-1])
    later = await appended(store, whole_course("source")[-1:])  # stage 2 again, after the fork
    forked = forked_at(source, "fork", "stage2", source[-1][0])
    own = await appended(store, [forked])
    assert later[0][0] < own[0][0]

    history = await store.load("fork")
    kinds = [e.event_type for e in history.events]
    assert kinds[-1] == "CourseForked" and kinds.count("DocsAnalysisRequested") == 1
    assert "PathwaysRequested" not in kinds and "CourseCreated" not in kinds
    assert {e.course_id for e in history.events} == {"fork"}
    assert (history.last_seq, history.forks) == (own[0][0], 1)
    assert (await store.last_seq("fork")) == own[0][0]

    # A stage service's view: its lifecycle, and the types it asks for.
    lifecycle = (await store.load("fork", only=LIFECYCLE)).events
    assert [e.event_type for e in lifecycle][-1] == "CourseForked"
    started = await store.load("fork", only=[StageStarted])
    assert [e.payload.stage for e in started.events] == ["stage1", "stage2"]
    assert started.last_seq == 0  # the fork has started no run of its own yet

    # The fork's own run: its service finds it current (CourseForked begins the course), and its appends
    # expect the fork's own last sequence.
    request = PathwaysRequested(course_id="fork", actor="alice", payload={"task_id": "f3"})
    await store.append(request, history.last_seq)
    assert is_current((await store.load("fork", only=LIFECYCLE)).events, request, "stage3")
    run = StageStarted(course_id="fork", actor="pathway", payload={"stage": "stage3", "task_id": "f3"})
    await store.append(run, await store.last_seq("fork"))
    assert (await store.load_after("fork", history.last_seq)).events == [request, run]

async def test_a_fork_of_a_fork_reads_through_both(js):
    store = EventStore(js)
    source = await appended(store, whole_course("origin")[:-1])
    first = forked_at(source, "first", "stage3", source[-1][0])
    [(first_seq, _)] = await appended(store, [first])
    second = CourseForked(course_id="second", actor="carol", payload={
        "source_course_id": "first", "up_to_seq": first_seq, "from_stage": "stage2", "owner_id": "carol",
        "title": "Second"})
    await appended(store, [second])

    history = await store.load("second")
    assert history.forks == 2
    analyses = [e for e in history.events if isinstance(e, DocAnalysed)]
    assert len(analyses) == 1 and analyses[0].course_id == "second"
    assert [e.event_type for e in history.events if e.event_type.startswith("Pathway")] == []
    through_first = [e for e in (await store.load("first")).events if isinstance(e, DocAnalysed)]
    assert analyses[0].event_id != through_first[0].event_id


def _analysis(course: str, task: str, path: str) -> DocAnalysed:
    return DocAnalysed(course_id=course, actor="doc_analyser", payload={
        "task_id": task, "path": path, "title": path, "doc_type": "guide", "complexity_level": "beginner",
        "word_count": 10, "content_hash": f"h-{task}-{path}"})


async def test_events_read_one_at_a_time_are_those_load_reads_through_forks_of_forks(js):
    store = EventStore(js)
    events = whole_course("origin")
    source = await appended(store, events[:-1])
    await appended(store, [*events[-1:], _analysis("origin", "t2b", "docs/a.md")])  # after the fork: not inherited
    first = forked_at(source, "first", "stage3", source[-1][0])
    await appended(store, [first, _analysis("first", "f2", "docs/b.md")])
    first_seq = await store.last_seq("first")
    await appended(store, [_analysis("first", "f2b", "docs/late.md")])  # after the second fork
    second = CourseForked(course_id="second", actor="carol", payload={
        "source_course_id": "first", "up_to_seq": first_seq, "from_stage": "stage2", "owner_id": "carol",
        "title": "Second"})
    only_scan = CourseForked(course_id="third", actor="dave", payload={
        "source_course_id": "first", "up_to_seq": first_seq, "from_stage": "stage1", "owner_id": "dave",
        "title": "Third"})
    await appended(store, [second, _analysis("second", "s2", "docs/c.md"), only_scan])

    for course, paths in [("origin", ["docs/a.md", "docs/a.md"]), ("first", ["docs/a.md", "docs/b.md", "docs/late.md"]),
                          ("second", ["docs/a.md", "docs/b.md", "docs/c.md"]), ("third", []), ("origin", None)]:
        each = list(await store.load_each(course, DocAnalysed))
        assert each == (await store.load(course, only=[DocAnalysed])).events
        assert {e.course_id for e in each} <= {course}
        if paths is not None:
            assert [e.payload.path for e in each] == paths
    with pytest.raises(ValueError, match="parts"):
        await store.load_each("first", PathwaysGenerated)


async def test_a_private_snapshot_the_fork_inherits_outlives_its_source(js):
    snapshots = SnapshotStore(js, "repo-snapshots")
    key = snapshot_key("https://example.org/private.git", "d" * 40, [], [], owner="alice")
    reference = await snapshots.save(key, "source", b"archive", FILES, [])
    store = EventStore(js)
    events = whole_course("source")[:-1]
    cloned = next(e for e in events if isinstance(e, RepoCloned))
    events[events.index(cloned)] = cloned.model_copy(update={
        "payload": cloned.payload.model_copy(update={"snapshot_ref": reference})})
    source = await appended(store, events)
    await claim(js, reference, "fork")
    await claim(js, "no-snapshot-reference", "fork")  # names nothing stored: nothing to keep
    await appended(store, [forked_at(source, "fork", "stage2", source[-1][0])])
    bucket = await js.object_store("repo-snapshots")

    assert await release_course(js, "COURSES", "source") == 0  # deleted: the fork still holds it
    assert (await bucket.get(f"{key}/manifest.json")).data
    assert await release_course(js, "COURSES", "fork") == 1  # the fork's inherited RepoCloned names it
    assert not [e for e in await bucket.list() if not e.deleted]
