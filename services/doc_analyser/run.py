"""One stage 2 run: the pending documents analysed with bounded concurrency, each announced as
soon as it is done, while a watcher notices a cancelled run."""
from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from shared.cpu_lane import on_cpu_lane
from shared.leftover_tasks import all_or_none
from .engine.linking import Corpus, LinkedAnalysis, link_one
from .engine.prompts import CourseContext
from shared.docs.loading import SourceDocument
from shared.events.catalogue import DocAnalysed, DocAnalysedPayload, DocsAnalysisRequested
from shared.llm.fallback import ENGINE
from shared.llm.budget import BudgetExhausted
from shared.stage.emitter import RunCancelled, StageEmitter, StageFailure, token_usage

from .analyser import Analysed, DocumentAnalyser, DocumentFailed
from .document_feed import DocumentFeed
from .fingerprint import analysis_row, fingerprint_of_rows
from shared.spill import SpillFile, Spilled
from .inputs import RunInputs

CANCEL_CHECK_SECONDS = 2.0
ANNOUNCING = 2  # analyses linked and announced at once


@dataclass
class Outcome:
    provider: str
    model: str
    analysed: int = 0
    cache_hits: int = 0
    usage: list[dict] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    fallbacks: dict[str, str] = field(default_factory=dict)  # path -> why the offline engine analysed it
    # Set when the budget refused a provider call: no new call starts, those under way finish.
    budget_stop: BudgetExhausted | None = None
    # Every analysis of the run as announced, an earlier delivery's included (its fingerprint's row,
    # by path; the analyses themselves are in the events): what the run produced.
    documents: "AnnouncedRows" = field(default_factory=lambda: AnnouncedRows())

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def skipped(self) -> list[dict]:
        return [{"path": path, "reason": reason[:2000]} for path, reason in sorted(self.failures.items())]

    def fell_back(self) -> list[dict]:
        return [{"item": path, "reason": reason[:2000]} for path, reason in sorted(self.fallbacks.items())]

    def failure_message(self) -> str:
        named = "; ".join(f"{path}: {reason}" for path, reason in sorted(self.failures.items())[:5])
        more = len(self.failures) - 5
        return (f"{len(self.failures)} document(s) could not be analysed: {named}"
                + (f" and {more} more" if more > 0 else "") + "; fix them or deselect them, then retry")

    def fingerprint(self) -> str:
        return fingerprint_of_rows(self.documents)

    def total_usage(self) -> dict:
        keys = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens", "calls")
        totals = {k: sum(u.get(k, 0) for u in self.usage) for k in keys}
        return {"provider": self.provider, "model": self.model, **totals}


class AnnouncedRows(Mapping[str, str]):
    """Each announced document's fingerprint row (fingerprint.py) by path, the rows in a temporary
    file until the run's fingerprint reads them: a run of 20,000 documents held 22 MB of them to
    its end. `close()` when the run is over."""

    def __init__(self) -> None:
        self._file = SpillFile()
        self._places: dict[str, Spilled] = {}

    def __setitem__(self, path: str, row: str) -> None:
        self._places[path] = self._file.put_bytes(row.encode())

    def __getitem__(self, path: str) -> str:
        return self._file.read_bytes(self._places[path]).decode()

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def close(self) -> None:
        self._file.close()


class AnalysisRun:
    def __init__(self, request: DocsAnalysisRequested, inputs: RunInputs, course: CourseContext,
                 analyser: DocumentAnalyser, emitter: StageEmitter, concurrency: int,
                 tolerate_failures: bool = False) -> None:
        self._request, self._inputs = request, inputs
        # Each document's place in the selection, asked once per document (a list's index would
        # make a run's announcements quadratic in its documents).
        self._position = {path: position for position, path in reversed(list(enumerate(inputs.documents)))}
        self._course, self._analyser, self._emitter = course, analyser, emitter
        self._limit = asyncio.Semaphore(concurrency)  # documents with the provider at once
        self._preparing = asyncio.Semaphore(concurrency)  # and as many more being made ready
        # Documents taken from the feed and not yet through the provider: the feed keeps the rest
        # (on disk past a few), so a run holds a bounded number of texts and parses, not all of them.
        self._admitted = asyncio.Semaphore(2 * concurrency)
        self._tolerate = tolerate_failures
        self._cancelled = False
        self._finished = 0
        self._corpus: asyncio.Future[Corpus] | None = None
        # Analyses done before the corpus is ready wait for it on disk, each as its path, content
        # hash and place, not as a task: when parsing is the slower part (the offline engine, a
        # fast model), every analysis of the run waits, and 20,000 waiting tasks with their
        # frames took 22 MB. One announcer (started by the first) announces them once it is ready.
        self._parked: SpillFile | None = None
        self._waiting: deque[tuple[str, str, Spilled]] = deque()
        self._announcer: asyncio.Task | None = None
        self._group: asyncio.TaskGroup | None = None
        # Announcements a few at a time: when the corpus is ready, every analysis that waited for it
        # would otherwise link and emit at once, and the loop, busy with them, would leave the
        # provider's answers unread and the next requests unsent (the run's critical path) for
        # a fifth of a second. Queued, they are done between the requests, long before the last answer.
        self._announcing = asyncio.Semaphore(ANNOUNCING)

    async def execute(self, feed: DocumentFeed) -> Outcome:
        """Each document is analysed as soon as the feed hands it over. An unreadable one, when
        failures are not tolerated, stops new analyses (those under way finish, are announced and
        cached: the retry reuses them) and the stage fails naming it. The caller closes the
        outcome's `documents` once it has the run's fingerprint."""
        outcome = Outcome(self._analyser.provider_name, self._analyser.model)
        try:
            return await self._execute(feed, outcome)
        except BaseException:
            outcome.documents.close()
            raise

    async def _execute(self, feed: DocumentFeed, outcome: Outcome) -> Outcome:
        for path, event in self._inputs.done.items():
            self._count(outcome, event.payload.cached, event.payload.usage and event.payload.usage.model_dump())
            outcome.documents[path] = analysis_row(event.payload)
            if event.payload.fallback_reason is not None:
                outcome.fallbacks[path] = event.payload.fallback_reason
        self._finished = outcome.analysed
        self._corpus = feed.corpus
        self._parked = SpillFile()
        watcher = asyncio.create_task(self._watch())
        try:
            async with asyncio.TaskGroup() as group:
                self._group = group
                async for path, source, problem in feed:
                    if source is None:
                        outcome.failures[path] = problem
                    elif path not in self._inputs.done and (self._tolerate or not outcome.failed) \
                            and outcome.budget_stop is None:
                        await self._admitted.acquire()
                        group.create_task(self._one(path, source, outcome))
                    del source  # the task holds it while it needs it, not the loop while it waits
        except* DocumentFailed:
            pass  # recorded in outcome.failures; the stage fails naming them
        except* RunCancelled:
            raise RunCancelled() from None
        finally:
            watcher.cancel()
            self._parked.close()
        if outcome.budget_stop is not None:
            # Every answer paid for was announced and cached (the budget stops the run without
            # cancelling the documents under way): a retry with a higher budget reuses them.
            raise StageFailure(f"stopped after {outcome.analysed} of {len(self._inputs.documents)} "
                               f"documents: {outcome.budget_stop}")
        return outcome

    async def _one(self, path: str, source: SourceDocument, outcome: Outcome) -> None:
        content_hash = source.content_hash
        try:
            try:
                result = await self._analyse(path, source, outcome)
            finally:
                # Nothing of the document's text is kept once it is analysed: the source, its
                # prompts and its parse are let go here.
                del source
            if result is None:
                return
            if not self._corpus.done():
                # All of a run's analyses may wait for the corpus: they wait on disk, this task
                # ends, and the next document may come in.
                self._park(path, content_hash, result, outcome)
                return
            # One not parked keeps its admission until it is announced: the analyses in memory
            # are those admitted and the few taken back from disk, however slow the announcing.
            async with self._announcing:
                await self._announce(path, content_hash, result, outcome)
            self._counted(outcome, path, result)
        finally:
            self._admitted.release()

    def _park(self, path: str, content_hash: str, result: Analysed, outcome: Outcome) -> None:
        self._waiting.append((path, content_hash, self._parked.put(result)))
        if self._announcer is None:
            self._announcer = self._group.create_task(self._announce_parked(outcome))

    async def _announce_parked(self, outcome: Outcome) -> None:
        """Once the corpus is ready, the analyses that waited for it, in the order they came, each
        taken back from disk as its turn to be announced comes (a few at once, as those announced
        directly), not all as the corpus comes. None waits after the corpus is ready."""
        await self._corpus

        async def announce_waiting() -> None:
            while self._waiting:
                path, content_hash, where = self._waiting.popleft()
                async with self._announcing:
                    result = self._parked.take(where)
                    await self._announce(path, content_hash, result, outcome)
                self._counted(outcome, path, result)

        await all_or_none(*(announce_waiting() for _ in range(ANNOUNCING)))

    def _counted(self, outcome: Outcome, path: str, result: Analysed) -> None:
        self._count(outcome, result.cached, token_usage(result.usage))
        if result.fallback is not None:
            outcome.fallbacks[path] = result.fallback

    async def _analyse(self, path: str, source: SourceDocument, outcome: Outcome) -> Analysed | None:
        """The document's analysis (cached, asked or the fallback's); None when the budget stopped
        the run or a tolerated failure was recorded."""
        # A slot of `_limit` is held only while the provider works on the document: its prompts
        # and cache look-up are ready before (under `_preparing`), its cache write comes after.
        # A prepared document keeps its `_preparing` slot until it has one of `_limit`: its prompts
        # wait in memory for the provider, so only as many wait as are being made ready.
        async with self._preparing:
            if self._cancelled:
                raise RunCancelled()
            prepared = await self._analyser.prepare(source.parsed, source.raw_text, source.content_hash,
                                                    self._course)
            if prepared.cached is not None:
                return prepared.answered_from_cache()
            await self._limit.acquire()
        try:
            if self._cancelled:
                raise RunCancelled()
            if outcome.budget_stop is not None:
                return None
            try:
                result = await self._analyser.ask(prepared)
            except BudgetExhausted as exc:
                # Not raised through the task group: it would cancel documents whose answers
                # are paid for but not yet announced.
                outcome.budget_stop = outcome.budget_stop or exc
                return None
            except DocumentFailed as exc:
                outcome.failures[path] = exc.reason
                if not self._tolerate:
                    raise
                return None
        finally:
            self._limit.release()
        await self._analyser.remember(prepared, result)
        return result

    @staticmethod
    def _count(outcome: Outcome, cached: bool, usage: dict | None) -> None:
        outcome.analysed += 1
        outcome.cache_hits += int(cached)
        if usage:
            outcome.usage.append(usage)

    async def _announce(self, path: str, content_hash: str, result: Analysed, outcome: Outcome) -> None:
        # Off the event loop: linking compares the document with every other one, and a burst of
        # finished analyses (all waiting for the corpus) would otherwise starve the bus client
        # into timeouts that fail the whole run.
        linked = await on_cpu_lane(link_one, path, result.analysis, await self._corpus,
                                   self._inputs.navigation)
        request = self._request
        payload = self._payload(linked, content_hash, result)
        outcome.documents[path] = analysis_row(DocAnalysedPayload(task_id=request.payload.task_id, **payload))
        await self._emitter.emit(request, DocAnalysed, f"doc:{path}", task_id=request.payload.task_id, **payload)
        self._finished += 1
        total = len(self._inputs.documents)
        await self._emitter.progress(request, min(99, 5 + 94 * self._finished // max(total, 1)),
                                     f"Analyzing {self._finished} of {total}: {path}", key=f"progress:{path}")

    def _payload(self, linked: LinkedAnalysis, content_hash: str, result: Analysed) -> dict:
        return {"path": linked.path, "title": linked.title[:300], "doc_type": linked.doc_type,
                "complexity_level": linked.complexity_level, "key_concepts": linked.key_concepts,
                "learning_objectives": linked.learning_objectives, "summary": linked.summary,
                "prerequisites": linked.prerequisites, "related_topics": linked.related_topics,
                "word_count": linked.word_count, "content_hash": content_hash,
                "prerequisite_concepts": linked.prerequisite_concepts,
                "related_documents": linked.related_documents, "reading_minutes": linked.reading_minutes,
                "usage": token_usage(result.usage), "cached": result.cached,
                "engine": ENGINE if result.fallback is not None else "provider",
                "fallback_reason": result.fallback and result.fallback[:2000], "parts": result.parts,
                "position": self._position[linked.path]}

    async def _watch(self) -> None:
        while not self._cancelled:
            await asyncio.sleep(CANCEL_CHECK_SECONDS)
            self._cancelled = not await self._emitter.still_current(self._request)
