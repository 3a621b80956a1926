"""Reading the documentation snapshot stage 1 stored (its reference is in `RepoCloned`)."""
from __future__ import annotations

import io
import tarfile

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError


class SnapshotMissing(RuntimeError):
    """The snapshot named by the course's scan is gone; the user has to run stage 1 again."""


def split_reference(reference: str) -> tuple[str, str]:
    bucket, _, key = reference.partition("/")
    if not bucket or not key:
        raise SnapshotMissing(f"{reference!r} is not a snapshot reference")
    return bucket, key


async def snapshot_archive(js: JetStreamContext, reference: str) -> bytes:
    bucket, key = split_reference(reference)
    try:
        store = await js.object_store(bucket)
        return (await store.get(f"{key}/documents.tar.gz")).data
    except (NotFoundError, ObjectNotFoundError):
        raise SnapshotMissing(f"the repository snapshot {reference} is no longer stored; "
                              "run stage 1 again") from None


def extract(archive: bytes, paths: set[str]) -> dict[str, bytes]:
    """The bytes of the wanted files; members that are not regular files are never read."""
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar:
            if member.name in paths and member.isfile():
                found[member.name] = tar.extractfile(member).read()
    return found
