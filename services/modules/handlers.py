"""Stage 4: write every module of the chosen pathway (`ModuleGenerated` each), then export the
course in every format of shared/export_formats.py (`CourseGenerated` names the zip; the others lie
beside it, listed in exports.json). Modules written by an earlier
delivery are read back, not written (nor paid for) again; so are those of the runs a retry retries
and, for a refresh, those of the run named in `reuse_from` whose plan and sources are unchanged."""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import tempfile
from collections import Counter
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Awaitable, Callable

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared.cpu_lane import on_cpu_lane
from shared.leftover_tasks import all_or_none
from shared.bus.artefacts import ArtefactStore
from shared.claim_ledger import CourseLedgerFile, ModuleLedger, ledger_name, module_ledger_ref
from shared.course_labels import Labels
from shared.diagrams import diagrams_name
from shared.export_formats import artefact_name, index_name, index_of
from shared.bus.delivery import StageWork
from shared.bus.snapshots import SnapshotMissing, snapshot_archive
from shared.events.catalogue import ClaimCounts, CourseGenerated, CourseGenerationRequested, DocAnalysed, ModuleGenerated
from shared.llm.budget import within_budget
from shared.llm.factory import build_provider
from shared.llm.fallback import ENGINE
from shared.observability.llm import metered
from shared.llm.provider import LLMProvider, Usage
from .export.formats import write_exports
from .edited_course import presented_modules
from .course_pictures import course_diagram_blocks, course_pictures, kept_diagrams
from .export.export_model import OFFLINE, CourseExport
from .models import ModuleContent, ModuleSpec
from .engine.prompts import write_module_task
from .engine.question_flaws import FlawCount
from shared.stage.emitter import StageEmitter, StageFailure, token_usage

from .course_language import languages_of, sources_language
from .inputs import WRITE_HISTORY, WriteInputs, write_inputs
from .settings import ModulesSettings
from .spilled_sources import SpilledSources
from .written_modules import WrittenModules
from .writer import Written, write

log = logging.getLogger(__name__)
# Reads a repository snapshot's archive by its reference (shared/bus/snapshots.py).
ReadSnapshot = Callable[[str], Awaitable[bytes]]
GONE = (NotFoundError, ObjectNotFoundError, KeyError)  # an artefact that is no longer stored


class ModulesStage:
    def __init__(self, emitter: StageEmitter, read_snapshot: ReadSnapshot, artefacts: ArtefactStore,
                 provider: LLMProvider, settings: ModulesSettings) -> None:
        self._emitter, self._read_snapshot, self._artefacts = emitter, read_snapshot, artefacts
        self._provider, self._settings = provider, settings

    async def handle(self, request: CourseGenerationRequested) -> None:
        events = await self._emitter.current_history(request, only=WRITE_HISTORY)
        if events is None:
            return
        async with self._emitter.running(request):
            analyses = await self._emitter.store.load_each(request.course_id, DocAnalysed)
            inputs = write_inputs(events, request, analyses)
            del events, analyses  # folded: not held while modules are written
            await self._run(request, inputs)

    async def _run(self, request: CourseGenerationRequested, inputs: WriteInputs) -> None:
        if inputs.pathway is None or inputs.scan is None:
            raise StageFailure("the selected pathway or the repository scan is gone; run stage 3 again")
        specs = [ModuleSpec(module_id=m.module_id, position=n, title=m.title, description=m.description,
                            learning_objectives=m.learning_objectives, documents=m.documents,
                            estimated_minutes=m.estimated_minutes, complexity_level=m.complexity_level)
                 for n, m in enumerate(inputs.pathway.modules, start=1)]
        with WrittenModules(specs) as written:
            await self._write_and_export(request, inputs, specs, written)

    async def _write_and_export(self, request: CourseGenerationRequested, inputs: WriteInputs,
                                specs: list[ModuleSpec], written: WrittenModules) -> None:
        sources = await self._sources(inputs, {path for spec in specs for path in spec.documents})
        try:
            # Read before the modules are written: each module's sources are let go once it is.
            sources_tag = await on_cpu_lane(sources_language, sources.values())
            usage, fallbacks, refs, flaws = await self._write_all(request, inputs, specs, sources, written)
        finally:
            sources.close()
        languages = languages_of(inputs.language, sources_tag, fallbacks, self._provider)
        if not await self._emitter.still_current(request):
            log.info("run %s was cancelled meanwhile; nothing exported", request.payload.task_id)
            return
        await self._emitter.progress(request, 95, "Exporting: Markdown and site, SCORM, Common Cartridge, HTML, EPUB, PDF")
        # The export presents the author's course: the edits up to the request on top of what was written.
        modules = presented_modules(written, inputs.edits)
        blocks = await on_cpu_lane(course_diagram_blocks, modules)  # reads every module back
        export = CourseExport(title=inputs.title, description=inputs.description,
                              pathway_title=inputs.pathway.title, pathway_description=inputs.pathway.description,
                              pathway_objectives=_objectives(specs), modules=modules,
                              pictures=await course_pictures(modules, blocks, inputs.analyses, inputs.title,
                                                             Labels(languages["language"])),
                              engine=_engine(self._provider, fallbacks),
                              repository_url=inputs.scan.cloned.payload.repo_url, **languages,
                              **_release(inputs, inputs.scan.cloned.payload.commit_sha))
        task_id = request.payload.task_id
        # Each format is written to a file, then stored from it: no format is ever held whole.
        with tempfile.TemporaryDirectory(prefix="coursegen-export-") as folder:
            files, problems = await on_cpu_lane(write_exports, export, Path(folder))
            if "zip" not in files:
                raise StageFailure(problems.get("zip", "the course could not be exported"))
            sizes = {name: path.stat().st_size for name, path in files.items()}
            refs_of = {}
            for name, path in files.items():  # the zip first, as the formats are ordered
                with open(path, "rb") as data:
                    refs_of[name] = await self._artefacts.put(request.course_id, artefact_name(task_id, name), data)
        await self._artefacts.put(request.course_id, diagrams_name(task_id), kept_diagrams(blocks, export.pictures))
        await self._artefacts.put(request.course_id, index_name(task_id), index_of(sizes, problems))
        claims = await store_course_ledger(self._artefacts, request.course_id, ledger_name(task_id), refs)
        await self._emitter.emit(request, CourseGenerated, "generated", task_id=request.payload.task_id,
                                 module_count=len(specs), export_ref=refs_of["zip"], export_bytes=sizes["zip"],
                                 generated_at=datetime.now(timezone.utc),
                                 usage=token_usage(usage), fallbacks=fallbacks,
                                 question_flaws=flaws.as_payload(), claims=claims, **languages)

    async def _sources(self, inputs: WriteInputs, paths: set[str]) -> SpilledSources:
        try:
            archive = await self._read_snapshot(inputs.scan.snapshot_ref)
        except SnapshotMissing as exc:
            raise StageFailure(str(exc)) from None
        encodings = {f.path: f.encoding for f in inputs.scan.files}
        sources, problems = await on_cpu_lane(SpilledSources.parsed, archive, sorted(paths), encodings,
                                              self._settings.max_document_bytes, inputs.analyses)
        if problems:
            sources.close()
            raise StageFailure("source documents could not be read: " + "; ".join(
                f"{path}: {why}" for path, why in sorted(problems.items())[:5]))
        return sources

    async def _write_all(self, request, inputs: WriteInputs, specs: list[ModuleSpec], sources: SpilledSources,
                         written: WrittenModules) -> tuple[Usage, list[dict], list[str], FlawCount]:
        """Every module written (or read back) and kept in `written`; the run's usage, its fallbacks,
        each module's content reference in the pathway's order, and its questions' flaws."""
        limit = asyncio.Semaphore(self._settings.module_concurrency)
        provider = within_budget(self._provider, request.payload.budget_usd)
        finished = [len(inputs.done)]
        readers = Counter(path for spec in specs for path in spec.documents)
        flaws = FlawCount()  # counted as each module is kept: not read back from disk for it

        def let_go(spec: ModuleSpec) -> None:
            """The module's sources, once no module left to write reads them: the course's documents
            are not all held until the last module is written."""
            for path in spec.documents:
                readers[path] -= 1
                if readers[path] == 0:
                    sources.pop(path, None)

        async def one(index: int, spec: ModuleSpec) -> tuple[Usage | None, str | None, str]:
            try:
                content, spent, fallback, ref = await written_or_kept(spec)
            finally:
                let_go(spec)
            flaws.add(content.assessment)
            await on_cpu_lane(written.keep, index, content)
            return spent, fallback, ref

        async def written_or_kept(spec: ModuleSpec) -> tuple[ModuleContent, Usage | None, str | None, str]:
            done = inputs.done.get(spec.module_id)
            if done is not None:
                data = await self._artefacts.get(done.payload.content_ref)
                return (ModuleContent.model_validate(json.loads(data)), None, done.payload.fallback_reason,
                        done.payload.content_ref)
            reused = (await self._reused(inputs.earlier.get(spec.module_id))
                      or await self._reused(inputs.reusable.get(spec.module_id)))
            if reused is not None:
                await self._announce(request, spec, reused, len(specs), finished)
                return reused.content, None, reused.fallback, reused.content_ref
            async with limit:
                if not await self._emitter.still_current(request):
                    raise StageFailure("cancelled")
                cited = await on_cpu_lane(lambda: [sources[p] for p in spec.documents])  # read from disk
                written = await write(provider, self._artefacts, request.course_id, request.payload.task_id,
                                      spec, cited, inputs.title, inputs.language)
            await self._announce(request, spec, written, len(specs), finished)
            return written.content, written.usage, written.fallback, written.content_ref

        # The first module that fails (or finds its run cancelled) stops the others.
        results = await all_or_none(*(one(index, spec) for index, spec in enumerate(specs)))
        usage = Usage.none(self._provider.name, self._provider.model)
        for spent, _, _ in results:
            usage = usage + spent if spent else usage
        fallbacks = [{"item": f"module {spec.position} '{spec.title}'"[:300], "reason": reason[:2000]}
                     for spec, (_, reason, _) in zip(specs, results) if reason is not None]
        return usage, fallbacks, [ref for _, _, ref in results], flaws

    async def _reused(self, earlier: ModuleGenerated | None) -> Written | None:
        """A module an earlier run wrote (of this retry chain, or the run a refresh reuses), as
        written for this run: the same content_ref and content_hash, no usage; None when there is
        none or its content is gone (then it is written again)."""
        if earlier is None:
            return None
        try:
            data = await self._artefacts.get(earlier.payload.content_ref)
        except GONE:
            return None
        if hashlib.sha256(data).hexdigest() != earlier.payload.content_hash:
            return None  # not the bytes that run announced: announcing them under its hash would lie
        return Written(ModuleContent.model_validate_json(data), earlier.payload.content_ref,
                       earlier.payload.content_hash, Usage.none(self._provider.name, self._provider.model),
                       earlier.payload.fallback_reason, earlier.payload.claims)

    async def _announce(self, request, spec: ModuleSpec, written, total: int, finished: list[int]) -> None:
        await self._emitter.emit(request, ModuleGenerated, f"module:{spec.module_id}", task_id=request.payload.task_id,
                                 module_id=spec.module_id, position=spec.position, title=spec.title[:300],
                                 content_ref=written.content_ref, content_hash=written.content_hash,
                                 question_count=len(written.content.assessment), usage=token_usage(written.usage),
                                 engine=ENGINE if written.fallback is not None else "provider",
                                 fallback_reason=written.fallback and written.fallback[:2000],
                                 claims=written.claims)
        finished[0] += 1
        await self._emitter.progress(request, min(94, 5 + 90 * finished[0] // max(total, 1)),
                                     f"Writing module {finished[0]} of {total}: {spec.title}")


async def store_course_ledger(artefacts: ArtefactStore, course_id: str, name: str,
                              content_refs: list[str]) -> ClaimCounts:
    """Stores every module's ledger (written beside its content), in the pathway's order, as the
    run's ledger `name`, and returns its counts; a module written before ledgers existed has none.
    Read one module at a time and stored from a file: the course's claims are never held at once."""
    with CourseLedgerFile() as ledger, tempfile.TemporaryFile(prefix="coursegen-ledger-") as out:
        for ref in content_refs:
            try:
                data = await artefacts.get(module_ledger_ref(ref))
            except GONE:
                continue
            ledger.add(ModuleLedger.model_validate_json(data))
            del data
        await on_cpu_lane(ledger.write_to, out)
        out.seek(0)
        await artefacts.put(course_id, name, out)
        return ledger.counts


def _release(inputs: WriteInputs, cloned_commit: str) -> dict:
    """The export's version, commit and changelog fields (the commit: the version's, else the clone's)."""
    notes = inputs.release
    if notes is None:
        return {"commit_sha": cloned_commit}
    return {"version": notes.version, "commit_sha": notes.commit_sha or cloned_commit,
            "changelog": tuple(notes.lines)}


def _objectives(specs: list[ModuleSpec]) -> list[str]:
    return list(dict.fromkeys(o for spec in specs for o in spec.learning_objectives))[:12]


def modules_stage(emitter: StageEmitter, read_snapshot: ReadSnapshot, artefacts: ArtefactStore,
                  settings: ModulesSettings) -> StageWork:
    """Stage 4's work over any stores (the service's, or a test's in-memory ones)."""
    provider = metered(build_provider(settings, {"write_module": write_module_task}))
    stage = ModulesStage(emitter, read_snapshot, artefacts, provider, settings)
    return StageWork(stage.handle, emitter.give_up)


def _engine(provider: LLMProvider, fallbacks) -> str:
    """Who wrote the modules, as the export says it: the offline engine, or the model (and how many
    modules the offline engine wrote instead, when its answers stayed invalid)."""
    if provider.name == "offline":
        return OFFLINE
    written = f"{provider.name} · {provider.model}"
    return f"{written} (the offline engine wrote {len(fallbacks)} of the modules its answers left invalid)" if fallbacks else written


async def make_handler(js: JetStreamContext, settings: ModulesSettings, emitter: StageEmitter) -> StageWork:
    return modules_stage(emitter, partial(snapshot_archive, js), ArtefactStore(js, settings.artefact_bucket),
                         settings)
