"""One question asked of a course, answered from its sources: find the passages (the index is made
on first use), answer by quoting them — or, with a model configured and the owner's budget not
spent, have the model write the answer from them, keeping only the sentences their citations
support — and record the question and its answer as an event (the user's history, the cost).

The steps come one after another as they are ready (`steps`), so the endpoint can stream them: the
passages first, then the answer."""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any, AsyncIterator

import asyncpg

from shared.repos.forge_links import source_url
from shared.course_versions import Version
from shared.events.catalogue import TutorAnswered, TutorAnsweredPayload
from shared.llm.provider import LLMProvider, ProviderError

from ..projection.schema import checked
from .extractive import EXTRACTIVE, NOT_COVERED, extractive_answer, passages
from .index import NothingToIndex, SourceIndex, sources_of, version_sources
from .passages import Passage
from .retrieve import retrieve
from .written import written_answer

log = logging.getLogger(__name__)

MODEL = "model"
BUDGET_SPENT = "the course owner's budget for today is spent: the passages are quoted instead"
MODEL_FAILED = "the model could not answer: the passages are quoted instead"
NOTHING_SUPPORTED = "nothing the model wrote was supported by the passages: they are quoted instead"


@dataclass(frozen=True)
class Question:
    course: dict[str, Any]   # the course's row (visible to the asker)
    user_id: str
    text: str
    module_id: str | None = None
    version: Version | None = None   # answered from this version's sources; None: the latest analysis
    section: str = ""                # the heading being read: searched with the question


@dataclass(frozen=True)
class Step:
    kind: str               # "passages", then "answer"
    value: dict[str, Any]


class Tutor:
    def __init__(self, pool: asyncpg.Pool, schema: str, js, provider: LLMProvider | None = None) -> None:
        self._pool, self._s = pool, checked(schema)
        self.index = SourceIndex(pool, schema, js)
        self.provider = provider   # None: answers are extractive (the offline default)
        self._warming: set[asyncio.Future] = set()

    async def sources(self, course: dict[str, Any], version: Version | None):
        """What a question about `course` (read at `version`) is answered from."""
        if version is not None:
            return version_sources(course["course_id"], version, course.get("repo_url"))
        return await sources_of(self._pool, self._s, course["course_id"])

    def warm(self, course: dict[str, Any], version: Version | None) -> None:
        """Make the index in the background (a reader opened the panel: the first question should
        not wait for it); nothing to index yet is no error."""
        async def make() -> None:
            try:
                await self.index.ensure(await self.sources(course, version))
            except NothingToIndex:
                pass
            except Exception:  # the first question will try again, and say what failed
                log.warning("the sources of course %s could not be indexed ahead", course["course_id"], exc_info=True)
        task = asyncio.ensure_future(make())
        self._warming.add(task)
        task.add_done_callback(self._warming.discard)

    def stop(self) -> None:
        for task in self._warming:
            task.cancel()

    async def steps(self, question: Question, budget_left: float | None) -> AsyncIterator[Step]:
        """The passages found, then the answer (with the TutorAnswered event to record as "event").
        `budget_left`: what the owner may still spend today (None: no model is configured)."""
        course_id = question.course["course_id"]
        sources = await self.sources(question.course, question.version)
        info = await self.index.ensure(sources)
        modules = await self._module_documents(course_id)
        searched = f"{question.text}\n{question.section}" if question.section else question.text
        retrieval = await retrieve(self._pool, self._s, info, searched,
                                   frozenset(p for p, m in modules.items() if m == question.module_id))
        found = passages(retrieval) if retrieval.covered else []
        cited = [citation(p, sources.repo_url, sources.commit, modules.get(p.path)) for p in found]
        yield Step("passages", {"covered": retrieval.covered, "citations": cited})
        answer, engine, removed, usage, note = (extractive_answer(found) if found else NOT_COVERED), EXTRACTIVE, 0, None, None
        if found and self.provider is not None:
            if budget_left is not None and budget_left <= 0:
                note = BUDGET_SPENT
            else:
                answer, engine, removed, usage, note, cited = await self._written(question.text, found, answer, cited)
        event = TutorAnswered(course_id=course_id, actor=question.user_id, payload=TutorAnsweredPayload.model_validate({
            "ask_id": uuid.uuid4().hex, "user_id": question.user_id, "question": question.text,
            "module_id": question.module_id, "version": question.version.number if question.version else None,
            "answer": answer, "covered": bool(found), "engine": engine,
            "removed": removed, "usage": usage,
            "citations": [{k: c[k] for k in ("path", "heading", "anchor", "start_line", "end_line", "url")}
                          for c in cited]}))
        yield Step("answer", {"ask_id": event.payload.ask_id, "question": question.text, "answer": answer,
                              "citations": cited, "covered": bool(found), "engine": engine, "removed": removed,
                              "note": note, "event": event})

    async def _written(self, text: str, found: list[Passage], extractive: str, cited: list[dict]):
        """(answer, engine, removed, usage, note, citations) from the model, or the extractive answer
        with the model's cost when it failed or wrote nothing the passages support."""
        assert self.provider is not None
        try:
            written = await written_answer(self.provider, text, found)
        except ProviderError as error:
            # What the failed attempts cost is still paid (the provider attaches it to the error).
            log.warning("the model could not answer a question: %s", error)
            return extractive, EXTRACTIVE, 0, _usage(getattr(error, "usage", None)), MODEL_FAILED, cited
        usage = _usage(written.usage)
        if not written.sentences:
            return extractive, EXTRACTIVE, written.removed, usage, NOTHING_SUPPORTED, cited
        used = {n for sentence in written.sentences for n in sentence.citations}
        return (written.text, MODEL, written.removed, usage, None,
                [c for c in cited if c["n"] in used])

    async def _module_documents(self, course_id: str) -> dict[str, str]:
        """Each document of the chosen pathway's modules → its module's id."""
        rows = await self._pool.fetch(
            f"""SELECT d.file_path, d.module_id FROM {self._s}.stage3_selections s
                JOIN {self._s}.modules m ON m.pathway_id = s.selected_pathway_id
                JOIN {self._s}.module_documents d ON d.module_id = m.id
                WHERE s.course_id = $1""", course_id)
        return {r["file_path"]: r["module_id"] for r in rows}

    async def history(self, course_id: str, user_id: str) -> list[dict[str, Any]]:
        """The user's questions about the course and the answers they were given, oldest first."""
        rows = await self._pool.fetch(
            f"""SELECT ask_id, question, answer, asked_at FROM {self._s}.tutor_answers
                WHERE course_id = $1 AND user_id = $2 ORDER BY seq""", course_id, user_id)
        return [{"ask_id": r["ask_id"], "question": r["question"], "asked_at": r["asked_at"],
                 **json.loads(r["answer"])} for r in rows]


def citation(p: Passage, repo_url: str | None, commit: str | None, module_id: str | None) -> dict[str, Any]:
    return {"n": p.number, "path": p.path, "heading": p.heading, "anchor": p.anchor, "start_line": p.start_line,
            "end_line": p.end_line, "quote": p.quote, "module_id": module_id,
            "url": source_url(repo_url, commit, p.path, p.start_line, p.end_line)}


def _usage(usage) -> dict[str, Any] | None:
    if usage is None:
        return None
    return {"provider": usage.provider, "model": usage.model, "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens, "cache_read_tokens": usage.cache_read_tokens,
            "cache_creation_tokens": usage.cache_creation_tokens, "calls": usage.calls}
