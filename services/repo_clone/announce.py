"""Turning a scan into events: files in chunks that each stay under the size an event aims at."""
from __future__ import annotations

import json
from typing import Iterator

from shared.bus.provisioning import EVENT_TARGET_BYTES

from .scanner import ScannedFile

# The rest of the event: its envelope, the chunk's own fields and the publish's headers.
ENVELOPE_BYTES = 8 * 1024
CHUNK_BYTES = EVENT_TARGET_BYTES - ENVELOPE_BYTES


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
