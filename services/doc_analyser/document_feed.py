"""A run's documents, read from the snapshot and parsed in a thread (the parsing itself, and each
document's corpus index, in the parser's child process), each handed to the event loop as soon as
it is parsed, so the first provider calls go out while the rest are still being parsed; and the
corpus, built from them once the last one is in."""
from __future__ import annotations

import asyncio
import threading
from typing import AsyncIterator

from shared.docs.loading import SourceDocument, iter_documents
from shared.docs.parse_worker import BudgetedParser

from .engine.linking import Corpus

# The parser child's function: the parsed document and its corpus index (engine/corpus_documents.py).
PARSE_AND_INDEX = "services.doc_analyser.engine.corpus_documents:parse_and_index"
_END = object()


class DocumentFeed:
    """Use as `async with DocumentFeed(...) as feed: async for path, document, problem in feed`;
    `await feed.corpus` once every document has been handed over. Leaving the block early stops the
    parsing after the document in hand."""

    def __init__(self, archive: bytes, paths: list[str], encodings: dict[str, str | None], max_bytes: int,
                 parser: BudgetedParser) -> None:
        """`parser`: a BudgetedParser of PARSE_AND_INDEX (the feed stops it when done)."""
        self._args = (archive, paths, encodings, max_bytes, parser.budget_seconds, parser)
        self._stop = threading.Event()
        self._queue: asyncio.Queue = asyncio.Queue()
        self._thread: asyncio.Future | None = None
        self.corpus: asyncio.Future[Corpus] = asyncio.get_running_loop().create_future()

    async def __aenter__(self) -> "DocumentFeed":
        self._thread = asyncio.ensure_future(asyncio.to_thread(self._produce, asyncio.get_running_loop()))
        return self

    async def __aexit__(self, *exc) -> None:
        self._stop.set()
        await asyncio.shield(self._thread)  # the child is stopped before the run is over
        if not self.corpus.done():
            self.corpus.cancel()
        elif not self.corpus.cancelled():
            self.corpus.exception()  # a run that ended early must not leave it unretrieved

    async def __aiter__(self) -> AsyncIterator[tuple[str, SourceDocument | None, str | None]]:
        while (item := await self._queue.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def _produce(self, loop: asyncio.AbstractEventLoop) -> None:
        parsed, indexes = [], {}
        try:
            for path, document, problem in iter_documents(*self._args):
                if self._stop.is_set():
                    return
                if document is not None:
                    parsed.append(document.parsed)
                    indexes[document.parsed.path] = document.index
                loop.call_soon_threadsafe(self._queue.put_nowait, (path, document, problem))
        except BaseException as exc:  # handed to the run, which fails with it
            loop.call_soon_threadsafe(self._queue.put_nowait, exc)
            return
        finally:
            loop.call_soon_threadsafe(self._queue.put_nowait, _END)
        try:  # cheap now: every document comes indexed, only links and vectors are left
            loop.call_soon_threadsafe(self._settle, Corpus.build(parsed, indexes), None)
        except Exception as exc:
            loop.call_soon_threadsafe(self._settle, None, exc)

    def _settle(self, corpus: Corpus | None, failure: Exception | None) -> None:
        if self.corpus.done():
            return
        if failure is None:
            self.corpus.set_result(corpus)
        else:
            self.corpus.set_exception(failure)
