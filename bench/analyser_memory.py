"""Where stage 2's memory goes (issue 49): the doc_analyser service's handler, in this process, over
the course history of a generated repository of N documents — stage 1 runs once through its own
handler (in-memory stores) and its log and snapshot are kept under `CACHE`, then the analysis
handler (offline engine, its parser children as the service starts them) analyses every document.

The store keeps every event as its JSON, on disk, and decodes it on each load, as the event store
reads the bus (bench/json_event_store.py); the analysis cache is a file, as the service's is a
bucket of the bus; the snapshot is handed over as the bytes the service reads.

    python -m bench.analyser_memory 5000            # peak RSS above the start, the analyses' digest
    python -m bench.analyser_memory 5000 --trace    # tracemalloc: the peak and the largest sites

Reported: the RSS peak of this process while the handler runs (psutil, every 20 ms; the parser
children are not counted, as the scale benchmark counts them apart), its RSS before, tracemalloc's
peak with --trace (slower) and the largest allocation sites then, and a digest of the DocAnalysed
payloads announced, to check that a change analyses the same. Not a bench row: a tool to find and
check a reduction."""
from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import time
import tracemalloc
from pathlib import Path

import psutil

from shared.events.catalogue import (
    DocAnalysed, DocsAnalysed, DocsAnalysisRequested,
)
from shared.events.codec import decode_event
from shared.spill import SpillFile, Spilled
from shared.stage.emitter import StageEmitter

from .course_history import CourseHistory
from .json_event_store import JsonEventStore, LinesOnDisk
from .memory import sampled
from .pathway_memory import largest_sites

CACHE = Path("/tmp/analyser-memory-cache")
COURSE = "canalysermemory"


def cached_history(documents: int) -> tuple[Path, Path]:
    """(the JSON lines of a course through stage 1 and a stage 2 request, the snapshot's archive)."""
    folder = CACHE / str(documents)
    log, archive = folder / "history.jsonl", folder / "snapshot.bin"
    if not log.exists():
        folder.mkdir(parents=True, exist_ok=True)
        lines, data = asyncio.run(_history(folder, documents))
        archive.write_bytes(data)
        log.with_suffix(".tmp").write_text("\n".join(lines) + "\n")
        log.with_suffix(".tmp").rename(log)
    return log, archive


async def _history(folder: Path, documents: int) -> tuple[list[str], bytes]:
    course = CourseHistory(COURSE, "Analyser memory", folder / "work")
    cloned = await course.cloned(folder / "repo" / "skyline", documents)
    await course.analysis_requested(cloned, task_id="analyser-memory-run")
    (archive,) = course.snapshots.archives.values()
    return await course.json_lines(), archive


def digest(analyses: list[DocAnalysed]) -> str:
    """A hash of what the analyses say (their payloads, in path order, without token usage)."""
    described = sorted((a.payload.model_dump(mode="json", exclude={"usage"}) for a in analyses),
                       key=lambda payload: payload["path"])
    return hashlib.sha256(json.dumps(described, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


class FileAnalysisCache:
    """doc_analyser's AnalysisCache over a temporary file: what the service stores in its key-value
    bucket leaves its memory, so it is not counted here either."""

    def __init__(self) -> None:
        self._file = SpillFile()
        self._places: dict[str, Spilled] = {}

    async def get(self, key: str):
        from services.doc_analyser.engine.models import DocumentAnalysis

        place = self._places.get(key)
        return DocumentAnalysis.model_validate_json(self._file.read_bytes(place)) if place is not None else None

    async def put(self, key: str, analysis) -> None:
        self._places[key] = self._file.put_bytes(analysis.model_dump_json().encode())


def measure(documents: int, trace: bool, top: int) -> dict:
    from services.doc_analyser.handlers import analysis_stage
    from services.doc_analyser.settings import DocAnalyserSettings
    from shared.freed_memory import return_freed_blocks

    return_freed_blocks()  # as the service's entry point does
    log, archive = cached_history(documents)
    lines = LinesOnDisk(log.read_text().splitlines())
    store = JsonEventStore(lines)
    request = decode_event(lines[-1])
    assert isinstance(request, DocsAnalysisRequested)

    async def read_snapshot(reference: str) -> bytes:
        return archive.read_bytes()

    async def handle() -> None:
        work = analysis_stage(StageEmitter(store, "doc_analyser", "stage2"), read_snapshot, FileAnalysisCache(),
                              DocAnalyserSettings(llm_provider="offline"))
        await work.handle(request)

    gc.collect()
    start_rss = psutil.Process().memory_info().rss / 2**20
    before = len(lines)
    if trace:
        tracemalloc.start(16)
    run = sampled(handle, slow=trace)
    result = {"documents": documents, "seconds": round(run.seconds, 1), "rss_start_mb": round(start_rss, 1),
              "rss_peak_mb": round(run.peak_mb, 1), "rss_peak_above_start_mb": round(run.peak_mb - start_rss, 1)}
    if trace:
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["traced_peak_mb"] = round(traced_peak / 2**20, 1)
        if run.snapshot is not None:
            result["snapshot_mb"] = round(run.traced_at_peak / 2**20, 1)
            result["largest_sites"] = largest_sites(run.snapshot, top)
    emitted = [decode_event(line) for line in store.lines[before:]]
    if not any(isinstance(e, DocsAnalysed) for e in emitted):
        raise RuntimeError(f"no DocsAnalysed; emitted {sorted({e.event_type for e in emitted})}")
    analyses = [e for e in emitted if isinstance(e, DocAnalysed)]
    result["analyses"], result["digest"] = len(analyses), digest(analyses)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("documents", type=int)
    parser.add_argument("--trace", action="store_true", help="tracemalloc's peak too (slower)")
    parser.add_argument("--top", type=int, default=25, help="with --trace: how many allocation sites to list")
    args = parser.parse_args()
    started = time.perf_counter()
    result = measure(args.documents, args.trace, args.top)
    sites = result.pop("largest_sites", [])
    result["tool_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    print("\n".join(sites))


if __name__ == "__main__":
    main()
