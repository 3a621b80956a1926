"""Stage 2: analyse every selected document, one `DocAnalysed` each, then `DocsAnalysed`.
Ids derive from the request and the document path, so a redelivered request repeats the same
events; documents already analysed by an earlier delivery are not analysed (nor paid for) again."""
from __future__ import annotations

import logging
from functools import partial
from typing import Awaitable, Callable

from nats.js import JetStreamContext

from .engine.cache import AnalysisCache
from .engine.prompts import CourseContext
from shared.bus.delivery import StageWork
from shared.bus.snapshots import SnapshotMissing, snapshot_archive
from shared.events.catalogue import LISTED_AT_MOST, DocsAnalysed, DocsAnalysisRequested
from shared.llm.factory import build_provider

from .engine.engines import OFFLINE_ENGINES
from shared.observability.llm import metered
from shared.stage.emitter import StageEmitter, StageFailure

from .analyser import DocumentAnalyser
from .document_feed import PARSE, PARSER_CHILDREN, DocumentFeed
from .spare_parser import SpareParser
from .inputs import RunInputs, run_inputs
from .run import AnalysisRun, Outcome
from .settings import DocAnalyserSettings

log = logging.getLogger(__name__)
# Reads a repository snapshot's archive by its reference (shared/bus/snapshots.py).
ReadSnapshot = Callable[[str], Awaitable[bytes]]


class AnalysisStage:
    def __init__(self, emitter: StageEmitter, read_snapshot: ReadSnapshot, analyser: DocumentAnalyser,
                 settings: DocAnalyserSettings, parser: str = PARSE) -> None:
        """`parser`: the parser child's function ("module:function")."""
        self._emitter, self._read_snapshot, self._analyser, self._settings = emitter, read_snapshot, analyser, settings
        self._parsers = SpareParser(settings.parse_budget_seconds, parser, PARSER_CHILDREN)

    async def handle(self, request: DocsAnalysisRequested) -> None:
        self.prepare()  # the parser child starts while the course is read
        events = await self._emitter.current_history(request)
        if events is None:
            return
        try:
            async with self._emitter.running(request):
                await self._run(request, run_inputs(events, request))
        finally:
            self.prepare()  # for the next run

    def prepare(self) -> None:
        """Start a parser child for the next run, unless one is ready."""
        self._parsers.prepare()

    async def _run(self, request: DocsAnalysisRequested, inputs: RunInputs) -> None:
        if inputs.scan is None:
            raise StageFailure("the repository scan this run was started on is no longer the course's "
                               "current one; select folders and start stage 2 again")
        if not inputs.documents:
            raise StageFailure("the selected folders hold no documentation files; select other folders")
        try:
            archive = await self._read_snapshot(inputs.scan.snapshot_ref)
        except SnapshotMissing as exc:
            raise StageFailure(str(exc)) from None
        encodings = {f.path: f.encoding for f in inputs.scan.files}
        p = request.payload
        course = CourseContext(inputs.repo_name, p.complexity_level, p.additional_info, len(inputs.documents),
                               inputs.language)
        run = AnalysisRun(request, inputs, course, self._analyser.within(p.budget_usd), self._emitter,
                          self._settings.analysis_concurrency, self._settings.tolerate_failed_documents)
        feed = DocumentFeed(archive, inputs.documents, encodings, self._settings.max_document_bytes,
                            await self._parsers.take())
        del archive  # the feed's to let go of once its documents are read from it
        async with feed:
            outcome = await run.execute(feed)
        try:
            await self._announce_end(request, outcome)
        finally:
            outcome.documents.close()

    async def _announce_end(self, request: DocsAnalysisRequested, outcome: Outcome) -> None:
        if outcome.failed and not self._settings.tolerate_failed_documents:
            raise StageFailure(outcome.failure_message())
        skipped, fallbacks = outcome.skipped(), outcome.fell_back()
        p = request.payload
        await self._emitter.emit(request, DocsAnalysed, "analysed", task_id=p.task_id,
                                 document_count=outcome.analysed, skipped=skipped[:LISTED_AT_MOST],
                                 skipped_omitted=max(0, len(skipped) - LISTED_AT_MOST),
                                 cache_hits=outcome.cache_hits, usage=outcome.total_usage(),
                                 fallbacks=fallbacks[:LISTED_AT_MOST],
                                 fallbacks_omitted=max(0, len(fallbacks) - LISTED_AT_MOST),
                                 fingerprint=outcome.fingerprint())


def analysis_stage(emitter: StageEmitter, read_snapshot: ReadSnapshot, cache: AnalysisCache,
                   settings: DocAnalyserSettings) -> StageWork:
    """Stage 2's work over any stores (the service's, or a test's in-memory ones)."""
    stage = _stage(emitter, read_snapshot, cache, settings)
    return StageWork(stage.handle, emitter.give_up)


def _stage(emitter: StageEmitter, read_snapshot: ReadSnapshot, cache: AnalysisCache,
           settings: DocAnalyserSettings) -> AnalysisStage:
    analyser = DocumentAnalyser(metered(build_provider(settings, OFFLINE_ENGINES)), cache, settings.document_attempts)
    return AnalysisStage(emitter, read_snapshot, analyser, settings)


async def make_handler(js: JetStreamContext, settings: DocAnalyserSettings, emitter: StageEmitter) -> StageWork:
    cache = AnalysisCache(js, settings.analysis_cache_bucket, settings.stream_replicas,
                          settings.analysis_cache_ttl_seconds)
    stage = _stage(emitter, partial(snapshot_archive, js), cache, settings)
    stage.prepare()  # the service's first request finds its parser child started
    return StageWork(stage.handle, emitter.give_up)
