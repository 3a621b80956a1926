"""A run's documents, read from the snapshot and parsed in threads (the parsing itself in parser
child processes), each handed to the event loop as soon as it is parsed, so the first provider
calls go out while the rest are still being parsed; and the corpus, each document indexed and
added to it (by another thread) as it comes, so the corpus is ready soon after the last document is
in, and holds only what it keeps of each (not every document's index until the last is parsed).
Parsing runs ahead of the provider, so the corpus is ready early; the documents that wait for the
run to take them are kept in memory up to `HELD_AT_MOST`, and past it on disk (spill.py): a run of
any size holds a bounded number of texts and parses."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import queue
import threading
from typing import AsyncIterator

from shared import cpu_lane
from shared.cpu_lane import on_cpu_lane
from shared.docs.loading import SourceDocument, iter_documents
from shared.docs.parse_worker import BudgetedParser

from .engine.corpus_documents import CorpusBuilder
from .engine.linking import Corpus
from shared.spill import SpillFile, Spilled

# The parser child's function: the parsed document (and, from a function like
# engine/corpus_documents.py's parse_and_index, its corpus index too).
PARSE = "shared.docs.parsing:parse"
# Parser children per run: two keep both cores of a small machine parsing (and on a busy one get
# two shares of it), while the service's own process makes the provider calls.
PARSER_CHILDREN = 2
# Parsed documents handed over and waiting in memory for the run to take them; more wait on disk.
HELD_AT_MOST = 32
# Parsed documents waiting for the indexing thread: past these a parser's thread waits for it
# (the corpus needs every document indexed; a thread falling behind must not queue them all).
INDEXING_AT_MOST = 32
_END = object()


class DocumentFeed:
    """Use as `async with DocumentFeed(...) as feed: async for path, document, problem in feed`;
    `await feed.corpus` once every document has been handed over. Leaving the block early stops the
    parsing after the documents in hand. With several parsers the documents are dealt out among
    them (in turn), each parsed in its own child: on a busy machine one child alone is the run's
    critical path (no document is linked before the corpus, and the corpus waits for the last one)."""

    def __init__(self, archive: bytes, paths: list[str], encodings: dict[str, str | None], max_bytes: int,
                 parsers: list[BudgetedParser]) -> None:
        """`parsers`: BudgetedParsers (the feed stops them when done)."""
        shares = [paths[n::len(parsers)] for n in range(len(parsers))]
        self._args = [(share, encodings, max_bytes, parser.budget_seconds, parser)
                      for share, parser in zip(shares, parsers) if share]
        # Each producer's reading takes the archive; once all have, the feed lets go of it (the
        # readings do once they have extracted their documents): see _take_archive.
        self._archive: bytes | None = archive
        self._archive_readers = len(self._args)
        for parser in parsers[len(self._args):]:
            parser.close()  # fewer documents than parsers
        self._stop = threading.Event()
        self._to_index: queue.Queue = queue.Queue(maxsize=INDEXING_AT_MOST)
        self._queue: asyncio.Queue = asyncio.Queue()
        self._spill = SpillFile()
        self._held = 0  # documents in `_queue` in memory (the producers count up, the run down)
        self._held_lock = threading.Lock()
        self._threads: list[asyncio.Future] = []
        self._builder = CorpusBuilder()  # only the indexing thread adds to it
        self._order = {path: number for number, path in enumerate(paths)}  # the corpus is built in this order
        self._finishing: asyncio.Future | None = None
        # Threads of its own: the producers and the indexer block for the whole parse, and on the
        # loop's shared executor (a few threads) they would keep a run's prompts and links (and
        # another run's) waiting for a free thread until parsing ends.
        self._executor = ThreadPoolExecutor(max_workers=len(self._args) + 1, thread_name_prefix="document-feed")
        self.corpus: asyncio.Future[Corpus] = asyncio.get_running_loop().create_future()

    async def __aenter__(self) -> "DocumentFeed":
        loop = asyncio.get_running_loop()
        self._threads = [loop.run_in_executor(self._executor, self._produce, loop, args) for args in self._args]
        self._finishing = asyncio.ensure_future(self._finish())
        return self

    async def __aexit__(self, *exc) -> None:
        self._stop.set()
        # The children and the indexing thread are stopped before the run is over.
        await asyncio.shield(asyncio.gather(*self._threads, self._finishing, return_exceptions=True))
        self._executor.shutdown(wait=False)
        self._spill.close()
        if not self.corpus.done():
            self.corpus.cancel()
        elif not self.corpus.cancelled():
            self.corpus.exception()  # a run that ended early must not leave it unretrieved

    async def __aiter__(self) -> AsyncIterator[tuple[str, SourceDocument | None, str | None]]:
        ended = 0
        while ended < len(self._threads):
            item = await self._queue.get()
            if item is _END:
                ended += 1
            elif isinstance(item, BaseException):
                raise item
            else:
                path, document, problem = item
                if isinstance(document, Spilled):
                    document = self._spill.take(document)
                elif document is not None:
                    with self._held_lock:
                        self._held -= 1
                yield path, document, problem

    async def _finish(self) -> None:
        """The corpus, once every producer is through (and none failed or was stopped)."""
        indexing = asyncio.get_running_loop().run_in_executor(self._executor, self._index)
        finished = await asyncio.gather(*self._threads, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(self._executor, self._to_index.put, _END)
        try:
            await indexing
            if self.corpus.done() or not all(done is True for done in finished):
                return
            # Cheap now: every document comes indexed, only links and vectors are left.
            built = await on_cpu_lane(self._builder.documents, self._order)
            self._settle(Corpus(*built), None)
        except Exception as exc:
            self._settle(None, exc)

    def _index(self) -> None:
        """Drains the queue to its end whatever happens (a parser's thread may be waiting to put):
        a document that cannot be indexed fails the corpus once the queue is through. The indexing
        itself is done on the CPU lane (shared/cpu_lane.py): this thread only waits for it."""
        failure: Exception | None = None
        while (item := self._to_index.get()) is not _END:
            if failure is None and not self._stop.is_set():
                try:
                    cpu_lane.submit(self._builder.add, *item).result()
                except Exception as exc:
                    failure = exc
        if failure is not None:
            raise failure

    def _produce(self, loop: asyncio.AbstractEventLoop, args: tuple) -> bool:
        """True when its share is all handed over."""
        try:
            for path, document, problem in iter_documents(self._take_archive(), *args):
                if self._stop.is_set():
                    return False
                if document is not None:
                    self._to_index.put((document.parsed, document.index))  # indexed there when None
                    if not self._room_in_memory():
                        document = self._spill.put(document)
                loop.call_soon_threadsafe(self._queue.put_nowait, (path, document, problem))
        except BaseException as exc:  # handed to the run, which fails with it
            loop.call_soon_threadsafe(self._queue.put_nowait, exc)
            return False
        finally:
            loop.call_soon_threadsafe(self._queue.put_nowait, _END)
        return True

    def _take_archive(self) -> bytes:
        with self._held_lock:
            archive = self._archive
            assert archive is not None  # one taking per producer
            self._archive_readers -= 1
            if not self._archive_readers:
                self._archive = None
            return archive

    @property
    def spilled(self) -> int:
        """Documents that waited on disk."""
        return self._spill.count

    def _room_in_memory(self) -> bool:
        with self._held_lock:
            if self._held >= HELD_AT_MOST:
                return False
            self._held += 1
            return True

    def _settle(self, corpus: Corpus | None, failure: Exception | None) -> None:
        if self.corpus.done():
            return
        if failure is None:
            self.corpus.set_result(corpus)
        else:
            self.corpus.set_exception(failure)
