"""A snapshot's files extracted to disk (shared/bus/snapshots.py's FilesOnDisk) read back as the
same bytes the in-memory extraction gives, limits and all."""
from __future__ import annotations

from shared.bus.snapshots import FilesOnDisk, extract
from tests.support.archives import archive_of


def test_files_on_disk_read_back_as_extracted_in_memory():
    files = {f"docs/page-{n}.md": f"# Page {n} — é\n\n" + "word " * (n * 9_000) for n in range(8)}
    files["docs/other.txt"] = "not wanted"
    archive, wanted = archive_of(files), {path for path in files if path.endswith(".md")}
    limits = (200_000, 300_000)  # pages 5 to 7 are too large; the total stops before page 4
    in_memory = extract(archive, wanted, *limits)
    on_disk = extract(archive, wanted, *limits, on_disk=True)
    try:
        assert isinstance(on_disk.files, FilesOnDisk)
        assert on_disk.too_large == in_memory.too_large and on_disk.too_large
        assert on_disk.over_total == in_memory.over_total and on_disk.over_total
        assert dict(on_disk.files) == in_memory.files and len(on_disk.files) == len(in_memory.files) > 2
        first = next(iter(on_disk.files))
        del on_disk.files[first]
        assert first not in on_disk.files and on_disk.files.get(first) is None
    finally:
        on_disk.close()
