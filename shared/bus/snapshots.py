"""The documentation snapshots stage 1 stores (its reference, `<bucket>/<key>`, is in `RepoCloned`):
how they are named, read, released by a course, and aged out.

Names, in the Object Store bucket:
  public/<filters>/<sha>/{documents.tar.gz,manifest.json}        fetched without any credential
  private/<owner>/<filters>/<sha>/{documents.tar.gz,manifest.json} fetched with the owner's token
  private/<owner>/<filters>/<sha>/courses/<course_id>             one marker per course using it
where <filters> hashes the URL and the include/exclude globs and <owner> the requesting user.
A private snapshot is never shared across owners (a fork, which may be another's, keeps reading its
source's: it claims a marker), and it goes when the last course that used it is deleted (its
markers are its reference count). Every snapshot ages out: one older than
MAX_AGE_SECONDS is removed by the sweep, and none older than half of it is reused, so a course's
snapshot lives at least half that long after its stage 1."""
from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import IO

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared import linear_regex
from shared.bus.eventstore import EventStore
from shared.events.catalogue import RepoCloned

log = logging.getLogger(__name__)

PUBLIC, PRIVATE = "public", "private"
MANIFEST, DOCUMENTS, MARKERS = "manifest.json", "documents.tar.gz", "courses"
MAX_AGE_SECONDS = 30 * 24 * 3600.0
# What a snapshot holds; part of its key, so a snapshot packed before a change is never reused.
# 2: the files documentation includes are packed too (services/repo_clone/included_files.py).
LAYOUT = 2


class SnapshotMissing(RuntimeError):
    """The snapshot named by the course's scan is gone; the user has to run stage 1 again."""


def snapshot_key(repo_url: str, commit_sha: str, include: list[str], exclude: list[str],
                 owner: str | None) -> str:
    """The key of a snapshot; `owner` None for one fetched without credentials (anyone who can
    still read the repository may reuse it), else the user whose credentials fetched it."""
    filters = _digest(json.dumps([repo_url, sorted(include), sorted(exclude), LAYOUT]))
    if owner is None:
        return f"{PUBLIC}/{filters}/{commit_sha}"
    return f"{PRIVATE}/{_digest(owner)}/{filters}/{commit_sha}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def is_private(key: str) -> bool:
    return key.startswith(f"{PRIVATE}/")


def course_marker(key: str, course_id: str) -> str:
    return f"{key}/{MARKERS}/{course_id}"


def split_reference(reference: str) -> tuple[str, str]:
    bucket, _, key = reference.partition("/")
    if not bucket or not key:
        raise SnapshotMissing(f"{reference!r} is not a snapshot reference")
    return bucket, key


async def snapshot_archive(js: JetStreamContext, reference: str) -> bytes:
    bucket, key = split_reference(reference)
    try:
        store = await js.object_store(bucket)
        return (await store.get(f"{key}/{DOCUMENTS}")).data
    except (NotFoundError, ObjectNotFoundError):
        raise SnapshotMissing(f"the repository snapshot {reference} is no longer stored; "
                              "run stage 1 again") from None


# The wanted members read from one archive, at most: the default MAX_REPO_BYTES, so a snapshot of
# a checkout stage 1 accepted by default never holds more.
MAX_EXTRACTED_BYTES = 500_000_000


class FilesOnDisk(MutableMapping[str, bytes]):
    """Files' bytes by path in an unnamed temporary file (gone when closed, or when the process
    ends), each read back when it is asked for: a run over 20,000 documents holds where each lies,
    not their hundred megabytes. Deleting a path forgets it; its bytes stay until `close()`."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="coursegen-extracted-", buffering=0)  # read back by pread
        self._places: dict[str, tuple[int, int]] = {}
        self._end = 0

    def write_from(self, path: str, stream: IO[bytes], size: int) -> None:
        shutil.copyfileobj(stream, self._file)
        self._places[path] = (self._end, size)
        self._end += size

    def __getitem__(self, path: str) -> bytes:
        offset, size = self._places[path]
        return os.pread(self._file.fileno(), size, offset)

    def __setitem__(self, path: str, data: bytes) -> None:
        self.write_from(path, io.BytesIO(data), len(data))

    def __delitem__(self, path: str) -> None:
        del self._places[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def close(self) -> None:
        self._file.close()


@dataclass
class Extracted:
    files: MutableMapping[str, bytes] = field(default_factory=dict)
    too_large: dict[str, int] = field(default_factory=dict)  # path → its size: over the member limit, not read
    over_total: dict[str, int] = field(default_factory=dict)  # path → its size: would pass MAX_EXTRACTED_BYTES

    def close(self) -> None:
        if isinstance(self.files, FilesOnDisk):
            self.files.close()


def extract(archive: bytes, paths: set[str], max_member_bytes: int,
            max_total_bytes: int = MAX_EXTRACTED_BYTES, on_disk: bool = False) -> Extracted:
    """The bytes of the wanted files, read member by member as the archive is decompressed
    (a forward-only stream): a member over `max_member_bytes`, or that would take what is read
    past `max_total_bytes`, is only counted by the size its header gives, never read. Members
    that are not regular files are never read. `on_disk`: the files wait in a temporary file
    (FilesOnDisk), not in memory; close the result when done."""
    extracted, total = Extracted(FilesOnDisk() if on_disk else {}), 0
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r|gz") as tar:
            for member in tar:
                if member.name not in paths or not member.isfile():
                    continue
                if member.size > max_member_bytes:
                    extracted.too_large[member.name] = member.size
                elif total + member.size > max_total_bytes:
                    extracted.over_total[member.name] = member.size
                else:
                    total += member.size
                    data = tar.extractfile(member)
                    assert data is not None  # a regular file
                    if isinstance(extracted.files, FilesOnDisk):
                        extracted.files.write_from(member.name, data, member.size)
                    else:
                        extracted.files[member.name] = data.read()
    except BaseException:
        extracted.close()
        raise
    return extracted


# --- releasing and ageing out -------------------------------------------------------------------

async def live_entries(store) -> list:
    try:
        return [e for e in await store.list() if not e.deleted]
    except NotFoundError:
        return []


async def delete_quietly(store, name: str) -> None:
    try:
        await store.delete(name)
    except (NotFoundError, ObjectNotFoundError):
        pass


async def delete_snapshot(store, key: str) -> None:
    """The manifest first: without it the snapshot is never reused, even if the rest lingers."""
    for name in (f"{key}/{MANIFEST}", f"{key}/{DOCUMENTS}"):
        await delete_quietly(store, name)


async def claim(js: JetStreamContext, reference: str, course_id: str) -> None:
    """`course_id` uses the snapshot too (a fork inherits its source's stage 1, shared/forks.py): its
    marker keeps a private snapshot while the course lives, whatever becomes of the course that
    stored it. Written before the fork's first event, so a deletion of the source meanwhile sees
    the snapshot in use; safe to repeat."""
    bucket, _, key = reference.partition("/")
    if bucket and is_private(key):  # anything else names no snapshot a course could keep
        store = await js.object_store(bucket)
        await store.put(course_marker(key, course_id), b"")


async def release(js: JetStreamContext, reference: str, course_id: str) -> bool:
    """`course_id` no longer uses the snapshot: its marker goes, and a private snapshot that no
    course uses any more goes with it. True if the snapshot was deleted; safe to repeat."""
    bucket, key = split_reference(reference)
    if not is_private(key):
        return False  # public snapshots are shared by anyone and only age out
    store = await js.object_store(bucket)
    await delete_quietly(store, course_marker(key, course_id))
    markers = f"{key}/{MARKERS}/"
    if any(entry.name.startswith(markers) for entry in await live_entries(store)):
        return False
    await delete_snapshot(store, key)
    return True


async def release_course(js: JetStreamContext, stream: str, course_id: str) -> int:
    """A deleted course lets go of every snapshot its stage 1 runs announced (a fork: those it
    inherited too, whose markers it claimed); returns how many private snapshots went with it."""
    history = await EventStore(js, stream).load(course_id, only=[RepoCloned])
    references = {e.payload.snapshot_ref for e in history.events if e.payload.snapshot_ref}
    deleted = 0
    for reference in sorted(references):
        deleted += await release(js, reference, course_id)
    return deleted


_MTIME = linear_regex.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def stored_at(mtime: str | None) -> float:
    """The Object Store's modification time (RFC 3339, nanoseconds) as a Unix time; 0 if unreadable."""
    match = _MTIME.match(mtime or "")
    if not match:
        return 0.0
    return datetime.datetime.fromisoformat(match.group(0)).replace(tzinfo=datetime.timezone.utc).timestamp()


async def sweep(store, now: float, max_age: float = MAX_AGE_SECONDS) -> int:
    """Removes every snapshot stored more than `max_age` seconds before `now` (its markers too);
    returns how many."""
    entries = await live_entries(store)
    old = {e.name[: -len(MANIFEST) - 1] for e in entries
           if e.name.endswith(f"/{MANIFEST}") and now - stored_at(e.mtime) > max_age}
    for key in old:
        await delete_snapshot(store, key)
        for entry in entries:
            if entry.name.startswith(f"{key}/{MARKERS}/"):
                await delete_quietly(store, entry.name)
    return len(old)
