"""Documentation snapshots in the Object Store (names and lifetime: shared/bus/snapshots.py), so a
second course on the same repository and commit reuses the scan instead of cloning again, when
the rules there allow it."""
from __future__ import annotations

import io
import json
import logging
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import NamedTuple
from pathlib import Path

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared.bus.provisioning import ensure_object_store
from shared.bus.snapshots import (
    DOCUMENTS, MANIFEST, MAX_AGE_SECONDS, course_marker, is_private, release, snapshot_key, stored_at, sweep,
)

from .included_files import included_files
from .scanner import ScannedFile
from .textfiles import read_regular_file, reading_each_file_once

__all__ = ["SnapshotStore", "pack_documents", "snapshot_key"]
log = logging.getLogger(__name__)
SWEEP_INTERVAL_SECONDS = 3600.0


def pack_documents(root: Path, files: list[ScannedFile], exclude: list[str] | None = (),
                   check_out: Callable[[list[str]], None] | None = None) -> bytes:
    """The documentation files, and the files they include (included_files.py, written into the
    checkout by `check_out` first when given), as a gzipped tar."""
    documents = [f.path for f in files if f.is_documentation]
    buffer = io.BytesIO()
    # The fastest gzip level: documentation text still shrinks about threefold, in a third of
    # the time level 9 takes, and the archive is read back within the same deployment.
    with reading_each_file_once():
        included = included_files(root, documents, exclude, check_out)
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for path in documents + included:
            _add_file(tar, root / path, path)
    return buffer.getvalue()


def _add_file(tar: tarfile.TarFile, source: Path, name: str) -> None:
    """A regular file's bytes as a member with fixed metadata: `tar.add` stats the file, looks up
    its owner and writes an extended header for its fractional mtime, for every file — a third of
    the packing time — and nobody reads that metadata (shared/bus/snapshots.py `extract`)."""
    data = read_regular_file(source, None)  # its size was checked by the scan or the includes
    member = tarfile.TarInfo(name)
    member.size, member.mode, member.mtime = len(data), 0o644, 0
    tar.addfile(member, io.BytesIO(data))


class StoredScan(NamedTuple):
    """What a stored snapshot's manifest says of its scan."""
    files: list[ScannedFile]
    navigation: list[str]  # documentation paths in the repository's own navigation order
    navigation_sources: list[str]  # the files (or front-matter keys) that order was read from


class SnapshotStore:
    def __init__(self, js: JetStreamContext, bucket: str, replicas: int = 1,
                 max_age: float = MAX_AGE_SECONDS, clock=time.time) -> None:
        self._js, self._bucket, self._replicas = js, bucket, replicas
        self._max_age, self._clock = max_age, clock
        self._next_sweep = 0.0

    async def _store(self):
        return await ensure_object_store(self._js, self._bucket, self._replicas)

    async def reusable(self, key: str, course_id: str) -> StoredScan | None:
        """The files and navigation of a stored snapshot `course_id` may reuse, or None.
        The caller has checked that the requester can read the repository now. A private
        snapshot's marker for the course is written first, so a deletion of another course
        meanwhile sees it in use."""
        store = await self._store()
        if is_private(key):
            await store.put(course_marker(key, course_id), b"")
        try:
            manifest = await store.get(f"{key}/{MANIFEST}")
        except (NotFoundError, ObjectNotFoundError):
            return None
        if self._clock() - stored_at(manifest.info.mtime) > self._max_age / 2:
            return None  # stored again by this run: the courses using it keep it for longer
        data = json.loads(manifest.data)
        # Snapshots stored before the navigation's sources were kept name none.
        return StoredScan([ScannedFile(**f) for f in data["files"]], data["navigation"],
                          data.get("navigation_sources", []))

    async def save(self, key: str, course_id: str, archive: bytes, files: list[ScannedFile],
                   navigation: list[str], navigation_sources: Sequence[str] = ()) -> str:
        store = await self._store()
        if is_private(key):
            await store.put(course_marker(key, course_id), b"")
        await store.put(f"{key}/{DOCUMENTS}", archive)
        # The manifest last: its presence means the snapshot is complete.
        manifest = {"files": [asdict(f) for f in files], "navigation": navigation,
                    "navigation_sources": list(navigation_sources)}
        await store.put(f"{key}/{MANIFEST}", json.dumps(manifest).encode())
        await self._sweep_now_and_then(store)
        return self.reference(key)

    async def _sweep_now_and_then(self, store) -> None:
        """Snapshots past their age go at most once an hour per replica, after a save (a clone
        is what makes the bucket grow)."""
        now = self._clock()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_INTERVAL_SECONDS
        try:
            removed = await sweep(store, now, self._max_age)
        except Exception as exc:  # noqa: BLE001 - the next sweep tries again; the clone succeeded
            log.warning("could not sweep old snapshots (%s)", exc)
            return
        if removed:
            log.info("removed %d snapshots older than %.0f s", removed, self._max_age)

    async def release(self, reference: str, course_id: str) -> None:
        """A run that announced nothing (cancelled meanwhile) lets go of the snapshot it marked."""
        await release(self._js, reference, course_id)

    def reference(self, key: str) -> str:
        return f"{self._bucket}/{key}"
