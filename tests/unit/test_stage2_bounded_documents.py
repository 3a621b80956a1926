"""Stage 2 holds a bounded number of documents whatever the size of the run: parsing runs ahead of
the provider (the corpus is ready early), the documents waiting for the run past a few wait on disk
(shared/spill.py) and come back whole, and the run takes a document from the feed only when one of
its slots is free. Counted (live SourceDocument and Analysed objects, tests/support/live_objects.py),
not measured in bytes."""
from __future__ import annotations

import asyncio
import sys
import uuid

import pytest

from services.doc_analyser import document_feed, handlers
from services.doc_analyser import run as analysis_run
from services.doc_analyser.analyser import Analysed, DocumentAnalyser
from services.doc_analyser.document_feed import DocumentFeed
from services.doc_analyser.engine.engines import OFFLINE_ENGINES
from services.doc_analyser.engine.linking import link_one
from services.doc_analyser.handlers import AnalysisStage
from services.doc_analyser.settings import DocAnalyserSettings
from shared.spill import SpillFile
from shared.docs.loading import SourceDocument, load_documents
from shared.docs.parse_worker import BudgetedParser
from shared.events.catalogue import DocAnalysed, DocsAnalysed, DocsAnalysisRequested
from shared.llm.offline import OfflineProvider
from shared.stage.emitter import StageEmitter
from tests.support import gated_parsing
from tests.support.archives import archive_of
from tests.support.cloned_in_memory import cloned_course
from tests.support.fakes import MemoryAnalysisCache
from tests.support.gitrepos import make_repo
from tests.support.live_objects import live

DOCUMENTS = 40
TASKS_BESIDE_THE_DOCUMENTS = 8


def pages(count: int) -> dict[str, str]:
    return {f"docs/page-{n:02d}.md": (f"# Page {n}\n\nPage {n} explains the widget number {n}. "
                                      f"See [the next page](page-{n + 1:02d}.md).\n\n## Details\n\n"
                                      + "A widget holds a value and a name. " * (5 + n)) + "\n"
            for n in range(count)}


def test_a_spilled_object_comes_back_equal():
    spill = SpillFile()
    try:
        things = [{"n": n, "text": "é" * n} for n in range(50)]
        places = [spill.put(thing) for thing in things]
        assert [spill.take(place) for place in reversed(places)] == things[::-1]
        assert spill.count == len(things)
    finally:
        spill.close()


async def test_documents_past_the_few_held_wait_on_disk_and_come_back_whole(monkeypatch):
    monkeypatch.setattr(document_feed, "HELD_AT_MOST", 3)
    files = pages(DOCUMENTS)
    archive, paths = archive_of(files), sorted(files)
    expected, problems = load_documents(archive, paths, {}, 1_000_000)
    assert problems == {}
    parsers = [BudgetedParser(10.0, document_feed.PARSE) for _ in range(2)]
    async with DocumentFeed(archive, paths, {}, 1_000_000, parsers) as feed:
        await feed.corpus  # every document parsed and handed over, none taken yet
        assert feed.spilled == DOCUMENTS - 3
        handed = {path: document async for path, document, problem in feed}
    assert handed.keys() == expected.keys()
    for path, document in handed.items():
        assert document.raw_text == expected[path].raw_text
        assert document.content_hash == expected[path].content_hash
        assert document.parsed == expected[path].parsed


async def test_the_feed_lets_go_of_the_snapshot_once_its_documents_are_read_from_it():
    """The run goes on long after parsing (provider calls, links): the snapshot's archive, tens of
    megabytes at 20,000 documents, is held by no part of the feed by then."""
    files = pages(DOCUMENTS)
    archive, paths = archive_of(files), sorted(files)
    parsers = [BudgetedParser(10.0, document_feed.PARSE) for _ in range(2)]
    held_by_this_test = sys.getrefcount(archive)
    async with DocumentFeed(archive, paths, {}, 1_000_000, parsers) as feed:
        await feed.corpus  # every document parsed and handed over
        assert sys.getrefcount(archive) == held_by_this_test
        handed = [path async for path, document, problem in feed]
    assert sorted(handed) == paths


async def test_a_run_holds_a_bounded_number_of_documents_while_the_provider_is_slower(tmp_path, monkeypatch):
    """The provider's first call waits until every document is parsed (the feed's corpus is ready):
    a run that took each document as it came would then hold all of them."""
    held, concurrency = 2, 2
    monkeypatch.setattr(document_feed, "HELD_AT_MOST", held)
    feeds: list[DocumentFeed] = []

    class WatchedFeed(DocumentFeed):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            feeds.append(self)

    monkeypatch.setattr(handlers, "DocumentFeed", WatchedFeed)
    already = live(SourceDocument)  # held by other tests of this process
    live_at_calls: list[int] = []

    class WaitingProvider(OfflineProvider):
        async def complete(self, prompt, schema):
            if not live_at_calls:
                await asyncio.shield(feeds[0].corpus)
            live_at_calls.append(live(SourceDocument) - already)
            return await super().complete(prompt, schema)

    files = pages(DOCUMENTS)
    make_repo(tmp_path / "widgets", files)
    course = await cloned_course(tmp_path / "widgets", tmp_path / "work")
    settings = DocAnalyserSettings(llm_provider="offline", analysis_concurrency=concurrency)
    stage = AnalysisStage(StageEmitter(course.events, "doc_analyser", "stage2"), course.snapshots.read_archive,
                          DocumentAnalyser(WaitingProvider(OFFLINE_ENGINES), MemoryAnalysisCache(), 1), settings)
    request = await course.add(DocsAnalysisRequested, task_id=uuid.uuid4().hex, complexity_level="beginner",
                               clone_task_id=course.cloned.payload.task_id)
    await stage.handle(request)

    emitted = course.events.caused_by(request)
    assert sorted(e.payload.path for e in emitted if isinstance(e, DocAnalysed)) == sorted(files)
    [total] = [e for e in emitted if isinstance(e, DocsAnalysed)]
    assert total.payload.document_count == DOCUMENTS
    assert feeds[0].spilled >= DOCUMENTS - held - 2 * concurrency - 1
    # The run's slots (2 × concurrency), the feed's few in memory, the one the run has in hand.
    assert max(live_at_calls) <= 2 * concurrency + held + 1, live_at_calls


async def test_analyses_done_before_the_corpus_is_ready_wait_for_it_on_disk(tmp_path, monkeypatch):
    """Each parser child parses all but its last document and holds that one until the provider
    has been asked about every other document: the analyses done by then wait for the corpus (it
    needs every document), and a run that kept them would hold all of them."""
    concurrency, per_child = 2, DOCUMENTS // document_feed.PARSER_CHILDREN
    parsed_log, gate = str(tmp_path / "parsed.log"), gated_parsing.Gate(str(tmp_path / "gate"))
    monkeypatch.setenv("PARSED_LOG", parsed_log)
    monkeypatch.setenv("GATE", gate.path)
    monkeypatch.setenv("GATE_AFTER", str(per_child - 1))
    held_back = document_feed.PARSER_CHILDREN
    already = live(Analysed)  # held by other tests of this process
    live_when_all_asked: list[int] = []
    tasks_when_all_asked: list[int] = []

    class CountingProvider(OfflineProvider):
        calls = 0

        async def complete(self, prompt, schema):
            self.calls += 1
            if self.calls == DOCUMENTS - held_back:  # every document handed over is being or was analysed
                live_when_all_asked.append(live(Analysed) - already)
                tasks_when_all_asked.append(len(asyncio.all_tasks()))
                gate.open()
            return await super().complete(prompt, schema)

    live_when_linked: list[int] = []

    def counted_link_one(*args):
        live_when_linked.append(live(Analysed) - already)
        return link_one(*args)

    monkeypatch.setattr(analysis_run, "link_one", counted_link_one)
    files = pages(DOCUMENTS)
    make_repo(tmp_path / "widgets", files)
    course = await cloned_course(tmp_path / "widgets", tmp_path / "work")
    settings = DocAnalyserSettings(llm_provider="offline", analysis_concurrency=concurrency)
    stage = AnalysisStage(StageEmitter(course.events, "doc_analyser", "stage2"), course.snapshots.read_archive,
                          DocumentAnalyser(CountingProvider(OFFLINE_ENGINES), MemoryAnalysisCache(), 1), settings,
                          parser=gated_parsing.SPEC)
    request = await course.add(DocsAnalysisRequested, task_id=uuid.uuid4().hex, complexity_level="beginner",
                               clone_task_id=course.cloned.payload.task_id)
    try:
        await stage.handle(request)
    finally:
        gate.close()

    emitted = course.events.caused_by(request)
    assert sorted(e.payload.path for e in emitted if isinstance(e, DocAnalysed)) == sorted(files)
    # Only those still with the provider or being cached, not the dozens already answered.
    assert live_when_all_asked and live_when_all_asked[0] <= 2 * concurrency, live_when_all_asked
    # Nor a task for each analysis that waits: those admitted, the run's own few (watcher, announcer,
    # the feed's) and the test's.
    assert tasks_when_all_asked[0] <= 2 * concurrency + TASKS_BESIDE_THE_DOCUMENTS, tasks_when_all_asked
    # Once the corpus is ready they come back from disk a few at a time, as they are announced.
    assert len(live_when_linked) == DOCUMENTS
    assert max(live_when_linked) <= analysis_run.ANNOUNCING + 2 * concurrency, live_when_linked


async def test_a_document_that_cannot_be_indexed_fails_the_corpus_and_parsing_still_ends(monkeypatch):
    """The parsers' threads wait for the indexing thread past a few documents: one failing must
    not leave them waiting."""
    monkeypatch.setattr(document_feed, "INDEXING_AT_MOST", 1)
    added = []

    def add(builder, parsed, index=None):
        added.append(parsed.path)
        if len(added) == 3:
            raise ValueError("cannot index this one")

    monkeypatch.setattr(document_feed.CorpusBuilder, "add", add)
    files = pages(12)
    parsers = [BudgetedParser(10.0, document_feed.PARSE) for _ in range(2)]
    async with DocumentFeed(archive_of(files), sorted(files), {}, 1_000_000, parsers) as feed:
        handed = [path async for path, document, problem in feed]
        with pytest.raises(ValueError, match="cannot index this one"):
            await feed.corpus
    assert sorted(handed) == sorted(files) and len(added) == 3
