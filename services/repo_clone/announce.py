"""Turning a scan into events: files in chunks that each stay well under the 1 MB event limit."""
from __future__ import annotations

import json
from typing import Iterator

from .scanner import ScannedFile

CHUNK_BYTES = 256 * 1024  # headroom under 1 MB for the envelope and JSON escaping


def discovered(files: list[ScannedFile], navigation: list[str]) -> list[dict]:
    position = {path: index for index, path in enumerate(navigation)}
    return [{"path": f.path, "size": f.size, "is_documentation": f.is_documentation,
             "is_overview_candidate": f.is_overview_candidate,
             "navigation_index": position.get(f.path), "navigation_section": f.navigation_section,
             "inferred_index": None if f.path in position else f.inferred_rank, "encoding": f.encoding, "note": f.note}
            for f in files]


def chunks(entries: list[dict], budget: int = CHUNK_BYTES) -> Iterator[list[dict]]:
    chunk, size = [], 0
    for entry in entries:
        entry_size = len(json.dumps(entry)) + 1
        if chunk and size + entry_size > budget:
            yield chunk
            chunk, size = [], 0
        chunk.append(entry)
        size += entry_size
    if chunk or not entries:
        yield chunk
