"""A snapshot archive (gzipped tar, as stage 1 stores it) of files given as text, for the tests that
read documents from a snapshot without running stage 1."""
from __future__ import annotations

import io
import tarfile


def archive_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(path)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()
