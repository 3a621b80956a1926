"""How long a repository snapshot lives, on a real nats-server: a snapshot older than half its
maximum age is not reused (the run stores it again), the sweep removes those past the maximum,
and a private snapshot stays while any course still holds a marker on it."""
from __future__ import annotations

import time

import pytest

from services.repo_clone.scanner import ScannedFile
from services.repo_clone.snapshot import SnapshotStore
from shared.bus.connection import connect
from shared.bus.snapshots import release, snapshot_key, sweep

DAY = 24 * 3600.0
MAX_AGE = 30 * DAY
FILES = [ScannedFile(path="README.md", size=5, is_documentation=True, is_overview_candidate=True)]


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def js(nats_server):
    nc = await connect(nats_server.url, "snapshot-lifetime-test")
    yield nc.jetstream()
    await nc.close()


async def names(js) -> list[str]:
    return sorted(e.name for e in await (await js.object_store("repo-snapshots")).list() if not e.deleted)


async def test_an_old_snapshot_is_not_reused_and_the_sweep_removes_it(js):
    clock = Clock()
    store = SnapshotStore(js, "repo-snapshots", max_age=MAX_AGE, clock=clock)
    key = snapshot_key("https://example.org/a.git", "a" * 40, [], [], owner=None)
    await store.save(key, "course-1", b"archive", FILES, [])
    assert await store.reusable(key, "course-2") == (FILES, [], [])

    clock.now += MAX_AGE / 2 + DAY
    assert await store.reusable(key, "course-2") is None  # stored again by that run instead

    bucket = await js.object_store("repo-snapshots")
    assert await sweep(bucket, clock.now, MAX_AGE) == 0
    assert await sweep(bucket, clock.now + MAX_AGE, MAX_AGE) == 1
    assert await names(js) == []


async def test_a_private_snapshot_stays_while_a_course_holds_it(js):
    store = SnapshotStore(js, "repo-snapshots")
    key = snapshot_key("https://example.org/a.git", "b" * 40, [], [], owner="alice")
    reference = await store.save(key, "course-1", b"archive", FILES, [])
    assert await store.reusable(key, "course-2") is not None

    assert await release(js, reference, "course-1") is False
    assert f"{key}/manifest.json" in await names(js)
    assert await release(js, reference, "course-2") is True
    assert await names(js) == []
    assert await release(js, reference, "course-2") is True  # again: nothing left, nothing fails


async def test_owners_and_credentials_make_different_keys():
    public = snapshot_key("https://example.org/a.git", "c" * 40, ["docs/**"], [], owner=None)
    assert public.startswith("public/")
    alice = snapshot_key("https://example.org/a.git", "c" * 40, ["docs/**"], [], owner="alice")
    bob = snapshot_key("https://example.org/a.git", "c" * 40, ["docs/**"], [], owner="bob")
    assert len({public, alice, bob}) == 3 and alice.startswith("private/")
