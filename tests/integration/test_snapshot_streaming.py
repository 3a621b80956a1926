"""A snapshot is read member by member (shared/bus/snapshots.py `extract`): a document over the
size limit is skipped with its reason without ever being read into memory, and what is read
from one archive has a bound in all. On a real nats-server's Object Store, as the stages read it."""
from __future__ import annotations

import io
import tarfile
import tracemalloc

from shared.bus.provisioning import ensure_object_store
from shared.bus.snapshots import DOCUMENTS, extract, snapshot_archive
from shared.docs.loading import load_documents

HUGE_BYTES = 40_000_000
SMALL = b"# Guide\n\nRead this first.\n"


def archive_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


async def stored_snapshot(js, files: dict[str, bytes]) -> str:
    store = await ensure_object_store(js, "repo-snapshots", replicas=1)
    await store.put(f"public/streaming/abc/{DOCUMENTS}", archive_of(files))
    return "repo-snapshots/public/streaming/abc"


async def test_a_document_over_the_limit_is_skipped_without_being_read(js):
    reference = await stored_snapshot(js, {"docs/huge.md": b"a" * HUGE_BYTES, "docs/guide.md": SMALL})
    archive = await snapshot_archive(js, reference)
    tracemalloc.start()
    try:
        documents, problems = load_documents(archive, ["docs/guide.md", "docs/huge.md"], {}, 1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert set(documents) == {"docs/guide.md"}
    assert problems == {"docs/huge.md": f"{HUGE_BYTES} bytes, more than the 1000000 a document may have"}
    assert peak < HUGE_BYTES / 4, f"{peak} bytes held while reading"


async def test_what_one_archive_gives_has_a_bound_in_all(js):
    reference = await stored_snapshot(js, {"a.md": SMALL, "b.md": SMALL, "c.md": SMALL})
    archive = await snapshot_archive(js, reference)
    extracted = extract(archive, {"a.md", "b.md", "c.md"}, max_member_bytes=1_000, max_total_bytes=2 * len(SMALL))
    assert set(extracted.files) == {"a.md", "b.md"}  # in the archive's order
    assert extracted.over_total == {"c.md": len(SMALL)}
    assert extract(archive, {"a.md"}, max_member_bytes=len(SMALL) - 1).too_large == {"a.md": len(SMALL)}
