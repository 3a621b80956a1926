"""Stage 2: analyse every selected document, one `DocAnalysed` each, then `DocsAnalysed`.
Ids derive from the request and the document path, so a redelivered request repeats the same
events; documents already analysed by an earlier delivery are not analysed (nor paid for) again."""
from __future__ import annotations

import asyncio
import logging
import time

from nats.js import JetStreamContext

from .engine.cache import AnalysisCache
from .engine.linking import Corpus
from .engine.prompts import CourseContext
from shared.bus.delivery import StageWork
from shared.bus.eventstore import EventStore
from shared.bus.snapshots import SnapshotMissing, snapshot_archive
from shared.events.catalogue import DocsAnalysed, DocsAnalysisRequested, StageFailed, StageStarted
from shared.llm.factory import build_provider

from .engine.engines import OFFLINE_ENGINES
from shared.observability.llm import metered
from shared.stage_service import LIFECYCLE

from .analyser import DocumentAnalyser
from shared.docs.loading import load_documents
from .inputs import STAGE, RunInputs, is_current, run_inputs
from .run import AnalysisRun, RunCancelled
from .settings import DocAnalyserSettings

log = logging.getLogger(__name__)


class StageFailure(RuntimeError):
    """The run cannot succeed; the message tells the user why and what to do."""


class AnalysisStage:
    def __init__(self, store: EventStore, js: JetStreamContext, analyser: DocumentAnalyser,
                 settings: DocAnalyserSettings) -> None:
        self._store, self._js, self._analyser, self._settings = store, js, analyser, settings

    async def handle(self, request: DocsAnalysisRequested) -> None:
        events = (await self._store.load(request.course_id)).events
        if not is_current(events, request):
            log.info("skipping %s: its run is finished, cancelled or replaced", request.event_id)
            return
        await self._emit(request, StageStarted, "started", stage=STAGE, task_id=request.payload.task_id)
        try:
            await self._run(request, run_inputs(events, request))
        except StageFailure as exc:
            await self._fail(request, str(exc))
        except RunCancelled:
            log.info("run %s was cancelled; stopped", request.payload.task_id)

    async def give_up(self, request: DocsAnalysisRequested, reason: str) -> None:
        await self._fail(request, f"stage 2 could not complete ({reason[:3000]}); retry the stage")

    async def _run(self, request: DocsAnalysisRequested, inputs: RunInputs) -> None:
        if inputs.scan is None:
            raise StageFailure("the repository scan this run was started on is no longer the course's "
                               "current one; select folders and start stage 2 again")
        if not inputs.documents:
            raise StageFailure("the selected folders hold no documentation files; select other folders")
        started = time.monotonic()
        documents, unreadable = await self._documents(inputs)
        log.info("course %s: %d documents loaded from the snapshot in %.2fs", request.course_id,
                 len(documents), time.monotonic() - started)
        # The corpus is only needed to link a finished analysis: build it while the first
        # documents are with the provider.
        corpus = asyncio.ensure_future(asyncio.to_thread(Corpus.build, [d.parsed for d in documents.values()]))
        p = request.payload
        course = CourseContext(inputs.repo_name, p.complexity_level, p.additional_info, len(inputs.documents))
        run = AnalysisRun(request, inputs, documents, corpus, course, self._analyser, self._store,
                          self._settings.analysis_concurrency, self._still_current,
                          self._settings.tolerate_failed_documents)
        try:
            outcome = await run.execute(unreadable)
        finally:
            if not corpus.done():
                corpus.cancel()
            elif not corpus.cancelled():
                corpus.exception()  # a run that ended early must not leave it unretrieved
        if outcome.failed and not self._settings.tolerate_failed_documents:
            raise StageFailure(outcome.failure_message())
        await self._emit(request, DocsAnalysed, "analysed", task_id=p.task_id,
                         document_count=outcome.analysed, skipped=outcome.skipped(),
                         cache_hits=outcome.cache_hits, usage=outcome.total_usage(),
                         fallbacks=outcome.fell_back())

    async def _documents(self, inputs: RunInputs):
        try:
            archive = await snapshot_archive(self._js, inputs.scan.snapshot_ref)
        except SnapshotMissing as exc:
            raise StageFailure(str(exc)) from None
        encodings = {f.path: f.encoding for f in inputs.scan.files}
        return await asyncio.to_thread(load_documents, archive, inputs.documents, encodings,
                                       self._settings.max_document_bytes, self._settings.parse_budget_seconds)

    async def _still_current(self, request: DocsAnalysisRequested) -> bool:
        return is_current((await self._store.load(request.course_id, only=LIFECYCLE)).events, request)

    async def _fail(self, request: DocsAnalysisRequested, message: str) -> None:
        await self._emit(request, StageFailed, "failed", stage=STAGE, task_id=request.payload.task_id,
                         error_message=message[:4000])

    async def _emit(self, request, event_cls, key: str, **payload) -> None:
        await self._store.publish(request.reacting(event_cls, key, actor="doc_analyser", **payload))


async def make_handler(js: JetStreamContext, settings: DocAnalyserSettings | None = None) -> StageWork:
    settings = settings or DocAnalyserSettings()
    cache = AnalysisCache(js, settings.analysis_cache_bucket, settings.stream_replicas,
                          settings.analysis_cache_ttl_seconds)
    analyser = DocumentAnalyser(metered(build_provider(settings, OFFLINE_ENGINES)), cache, settings.document_attempts)
    stage = AnalysisStage(EventStore(js, settings.stream_name), js, analyser, settings)
    return StageWork(stage.handle, stage.give_up)
