"""Where stage 3's memory goes (issue 49): the pathway service's handler, in this process, over the
course history of a generated repository of N documents — stages 1 and 2 run once through their
own handlers (offline engines, in-memory stores) and the log is cached as JSON lines under
`CACHE` (stage 2 on 20,000 documents takes long), then the pathway handler plans over it.

The store here keeps every event as its JSON and decodes it on each load, as the event store
reads the bus: what the service holds is what it decodes, not a list shared with the store.

    python -m bench.pathway_memory 2000            # peak RSS above the start, the plan's digest
    python -m bench.pathway_memory 2000 --trace    # tracemalloc: the peak and the largest sites

Reported: the RSS peak while the handler runs (psutil, sampled every 20 ms) above the RSS before
it, tracemalloc's peak of traced Python memory (with --trace; slower), and a digest of the
pathways announced (pathway keys, titles, modules' ids, titles and documents, placements) to
check a change plans the same pathways."""
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
    PathwayModulesListed, PathwaysGenerated,
    PathwaysRequested,
)
from shared.events.codec import decode_event
from shared.pathway_parts import assembled
from shared.stage.emitter import StageEmitter

from .course_history import CourseHistory
from .json_event_store import JsonEventStore
from .memory import sampled

CACHE = Path("/tmp/pathway-memory-cache")
COURSE = "cpathwaymemory"


def cached_history(documents: int) -> Path:
    """The JSON lines of a course through stages 1 and 2 over `documents` generated documents."""
    path = CACHE / f"history-{documents}.jsonl"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        lines = asyncio.run(_history(documents))
        path.with_suffix(".tmp").write_text("\n".join(lines) + "\n")
        path.with_suffix(".tmp").rename(path)
    return path


async def _history(documents: int) -> list[str]:
    course = CourseHistory(COURSE, "Pathway memory", CACHE / "work")
    request = await course.analysis_requested(await course.cloned(CACHE / f"repo-{documents}" / "skyline", documents))
    started = time.perf_counter()
    analysed = await course.analysed(request)
    print(f"stage 2 over {documents} documents: {time.perf_counter() - started:.0f} s")
    await course.plan_requested(analysed, pathway_count=3, task_id="pathway-memory-run")
    return await course.json_lines()


def digest(pathways: list) -> tuple[str, int, int]:
    """(a hash of what the pathways say, pathways, modules) — ids, titles, documents, order, placements."""
    described = [[p.pathway_id, p.key, p.title, p.description, p.estimated_minutes,
                  [[m.module_id, m.title, m.description, m.learning_objectives, m.documents, m.placements,
                    m.estimated_minutes, m.complexity_level] for m in p.modules]] for p in pathways]
    text = json.dumps(described, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16], len(pathways), sum(len(p.modules) for p in pathways)


def announced(store: JsonEventStore, before: int) -> list:
    events = [decode_event(line) for line in store.lines[before:]]
    generated = [e for e in events if isinstance(e, PathwaysGenerated)]
    if not generated:
        raise RuntimeError(f"no PathwaysGenerated; emitted {[e.event_type for e in events]}")
    return [p for e in assembled([*[e for e in events if isinstance(e, PathwayModulesListed)], generated[-1]])
            if isinstance(e, PathwaysGenerated) for p in e.payload.pathways]


def measure(documents: int, trace: bool, top: int) -> dict:
    from services.pathway.handlers import pathway_stage
    from services.pathway.settings import PathwaySettings

    from shared.freed_memory import return_freed_blocks

    return_freed_blocks()  # as the service's entry point does
    lines = cached_history(documents).read_text().splitlines()
    store = JsonEventStore(lines)
    request = decode_event(lines[-1])
    assert isinstance(request, PathwaysRequested)
    work = pathway_stage(StageEmitter(store, "pathway", "stage3"), PathwaySettings(llm_provider="offline"))
    gc.collect()
    start_rss = psutil.Process().memory_info().rss / 2**20
    before = len(lines)
    if trace:
        tracemalloc.start(16)
    run = sampled(lambda: work.handle(request), slow=trace)
    result = {"documents": documents, "seconds": round(run.seconds, 1), "rss_start_mb": round(start_rss, 1),
              "rss_peak_mb": round(run.peak_mb, 1), "rss_peak_above_start_mb": round(run.peak_mb - start_rss, 1)}
    if trace:
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["traced_peak_mb"] = round(traced_peak / 2**20, 1)
        if run.snapshot is not None:
            result["snapshot_mb"] = round(run.traced_at_peak / 2**20, 1)
            result["largest_sites"] = largest_sites(run.snapshot, top)
    pathways = announced(store, before)
    result["digest"], result["pathways"], result["modules"] = digest(pathways)
    return result


def largest_sites(snapshot: tracemalloc.Snapshot, top: int) -> list[str]:
    """The `top` allocation sites of the snapshot, each named by its innermost frame in the
    project's code (services/, shared/) with the frame that allocated (pydantic's, the stdlib's)."""
    by_site: dict[str, int] = {}
    for stat in snapshot.statistics("traceback"):
        frames = list(reversed(stat.traceback))  # innermost first
        ours = next((f for f in frames if "/services/" in f.filename or "/shared/" in f.filename), frames[0])
        site = f"{_short(ours)} <- {_short(frames[0])}" if ours is not frames[0] else _short(ours)
        by_site[site] = by_site.get(site, 0) + stat.size
    ranked = sorted(by_site.items(), key=lambda item: -item[1])[:top]
    return [f"{size / 2**20:7.1f} MB  {site}" for site, size in ranked]


def _short(frame: tracemalloc.Frame) -> str:
    name = frame.filename
    for root in ("/services/", "/shared/", "/site-packages/", "/lib/python3"):
        if root in name:
            name = root.strip("/") + "/" + name.split(root, 1)[1]
            break
    return f"{name}:{frame.lineno}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("documents", type=int)
    parser.add_argument("--trace", action="store_true", help="tracemalloc's peak too (slower)")
    parser.add_argument("--top", type=int, default=25, help="with --trace: how many allocation sites to list")
    parser.add_argument("--history-only", action="store_true", help="generate and cache the history, then stop")
    args = parser.parse_args()
    if args.history_only:
        print(cached_history(args.documents))
        return
    result = measure(args.documents, args.trace, args.top)
    sites = result.pop("largest_sites", [])
    print(json.dumps(result))
    print("\n".join(sites))


if __name__ == "__main__":
    main()
