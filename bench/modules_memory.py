"""Where the modules service's memory goes (issue 49): stage 4 of a generated course, run by the
service's own handler (services/modules/handlers.py) in this process over in-memory stand-ins for
the bus (the log held as JSON and decoded on every read, as the bus's store reads it:
bench/json_event_store.py), its artefacts written to files so that what it stores is not counted
as what it holds.

    python -m bench.modules_memory 2000 [--formats zip,pdf] [--trace] [--digests FILE]

The course's stages 1 to 3 (the real handlers, offline engines, on `bench/repos.py`'s repository
of that many documents) run once and are kept under /tmp/coursegen-modmem/<documents>/ (the event
log and the snapshot); each measurement then runs stage 4 alone in a child process, so no
measurement inherits another's memory. Reported: the peak RSS of the child while stage 4 ran
(psutil, every 20 ms) beside its RSS before, with `--trace` the peak of Python's own allocations
(tracemalloc, from the export on: slower; it counts what RSS hides in freed arenas) and the largest allocation
sites at that peak; `--digests` writes the sha-256 of every stored artefact, to check that a change
left every export's bytes as they were. Not a bench row: a tool to find and check a reduction."""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import pickle
import subprocess
import sys
import uuid
from pathlib import Path

from .course_history import CourseHistory
from .json_event_store import JsonEventStore
from .memory import sampled
from .system import ROOT

CACHE = Path("/tmp/coursegen-modmem")


class FileArtefactStore:
    """ArtefactStore's interface over a folder: what stage 4 stores leaves its memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key.replace("/", "__")

    async def put(self, course_id: str, name: str, data) -> str:
        key = f"{course_id}/{name}"
        with open(self._path(key), "wb") as out:
            if isinstance(data, (bytes, bytearray, memoryview)):
                out.write(data)
            else:  # a readable file: copied in chunks, as the Object Store reads one
                while chunk := data.read(1 << 20):
                    out.write(chunk)
        return key

    async def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def digests(self) -> dict[str, str]:
        """Stored name (without the course and run) -> sha-256 of its bytes."""
        return {path.name.split("__", 2)[-1]: hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted(self.folder.iterdir())}


def prepared(documents: int) -> Path:
    """The folder holding stages 1 to 3 of a `documents`-document course (made once)."""
    folder = CACHE / str(documents)
    if not (folder / "state.pickle").exists():
        folder.mkdir(parents=True, exist_ok=True)
        asyncio.run(_stages_1_to_3(folder, documents))
    return folder


async def _stages_1_to_3(folder: Path, documents: int) -> None:
    course = CourseHistory(f"c{uuid.uuid4().hex[:12]}", "Memory course", folder / "work")
    cloned = await course.cloned(folder / "skyline", documents)
    analysed = await course.analysed(await course.analysis_requested(cloned))
    generated = await course.planned(await course.plan_requested(analysed, pathway_count=1))
    events, snapshots = course.events, course.snapshots
    state = {"log": [e.to_json() for e in events._log], "archives": snapshots.archives, "course": course.course,
             "pathway_id": generated.payload.pathways[0].pathway_id}
    (folder / "state.pickle").write_bytes(pickle.dumps(state))


def measure(documents: int, formats: tuple[str, ...] | None, trace: bool, digests: Path | None) -> dict:
    """In a child process: stage 4 of the prepared course, its memory figures."""
    folder = prepared(documents)
    command = [sys.executable, "-m", "bench.modules_memory", str(documents), "--child"]
    if formats:
        command += ["--formats", ",".join(formats)]
    if trace:
        command.append("--trace")
    if digests:
        command += ["--digests", str(digests)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"stage 4 of {folder} failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(documents: int, formats: tuple[str, ...] | None, trace: bool, digests: Path | None) -> None:
    import tempfile
    import tracemalloc

    import psutil

    from services.modules.export import formats as export_formats
    from services.modules.handlers import ModulesStage
    from services.modules.settings import ModulesSettings
    from shared.events.catalogue import CourseGenerated, CourseGenerationRequested, ModuleGenerated, StageFailed
    from shared.llm.factory import build_provider
    from services.modules.engine.prompts import write_module_task
    from shared.stage.emitter import StageEmitter
    from tests.support.fakes import MemorySnapshotStore

    from shared.freed_memory import return_freed_blocks

    return_freed_blocks()  # as the service's entry point does
    if formats:  # the formats the run builds, as the service would if it built only those (the zip
        # always: stage 4 fails without it)
        export_formats.write_exports.__defaults__ = (tuple(dict.fromkeys(("zip", *formats))),)
    state = pickle.loads((CACHE / str(documents) / "state.pickle").read_bytes())
    # The log as JSON, decoded on every read as the bus's store decodes it: the handler holds what it decodes.
    events, snapshots = JsonEventStore([line.decode() for line in state.pop("log")]), MemorySnapshotStore()
    snapshots.archives.update(state.pop("archives"))
    with tempfile.TemporaryDirectory(prefix="modmem-") as out:
        artefacts = FileArtefactStore(Path(out))
        settings = ModulesSettings(llm_provider="offline")
        provider = build_provider(settings, {"write_module": write_module_task})
        stage = ModulesStage(StageEmitter(events, "modules", "stage4"), snapshots.read_archive, artefacts,
                             provider, settings)
        request = CourseGenerationRequested(course_id=state["course"], actor="alice",
                                            payload={"task_id": uuid.uuid4().hex, "pathway_id": state["pathway_id"]})
        asyncio.run(events.publish(request))
        process = psutil.Process()
        before = process.memory_info().rss / 2**20

        phases: dict[str, float] = {}  # RSS (MB) when the run said it reached each phase
        publish = events.publish

        async def noting_phases(event):
            step = getattr(event.payload, "current_step", None) or event.event_type
            phase = "writing modules" if step.startswith("Writing module") else step.split(":")[0]
            phases.setdefault(phase, round(process.memory_info().rss / 2**20, 1))
            if trace and phase == "Exporting" and not tracemalloc.is_tracing():
                tracemalloc.start(8)  # traced from the export on: tracing every module's writing takes too long
            if step.startswith("Writing module"):
                phases["last module written"] = round(process.memory_info().rss / 2**20, 1)
            return await publish(event)

        events.publish = noting_phases
        run = sampled(lambda: stage.handle(request), slow=trace)
        emitted = events.caused_by(request)
        figures = {"documents": documents, "modules": sum(isinstance(e, ModuleGenerated) for e in emitted),
                   "seconds": round(run.seconds, 1),
                   "rss_before_mb": round(before, 1), "peak_rss_mb": round(run.peak_mb, 1),
                   "stage4_rss_growth_mb": round(run.peak_mb - before, 1), "rss_at_mb": phases}
        if trace:
            _, traced_peak = tracemalloc.get_traced_memory()
            figures["traced_peak_mb"] = round(traced_peak / 2**20, 1)
            if run.snapshot is not None:
                figures["largest_sites_at_peak"] = _largest(run.snapshot)
            tracemalloc.stop()
        failed = [e.payload.error_message for e in emitted if isinstance(e, StageFailed)]
        if failed or not any(isinstance(e, CourseGenerated) for e in emitted):
            raise RuntimeError(f"stage 4 did not generate the course: {failed}")
        if digests:
            digests.write_text(json.dumps(artefacts.digests(), indent=1, sort_keys=True))
    print(json.dumps(figures))


def _largest(snapshot, top: int = 25) -> list[str]:
    """The allocation sites holding most at the snapshot, each with its callers (outermost first)."""
    sites = []
    for stat in snapshot.statistics("traceback")[:top]:
        frames = [f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback]
        sites.append(f"{stat.size / 2**20:.1f} MB in {stat.count}: " + " > ".join(frames))
    return sites


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.modules_memory")
    parser.add_argument("documents", type=int)
    parser.add_argument("--formats", help="comma-separated export formats (default: every one)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc's peak too (slower)")
    parser.add_argument("--digests", type=Path, help="write each stored artefact's sha-256 here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = tuple(args.formats.split(",")) if args.formats else None
    if args.child:
        _child(args.documents, formats, args.trace, args.digests)
    else:
        print(json.dumps(measure(args.documents, formats, args.trace, args.digests)))


if __name__ == "__main__":
    main()
