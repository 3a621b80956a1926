"""One document through the cache and the provider, with its own retries. A document longer than
the model's window is asked about in parts (engine/plan.py), concurrently, and their analyses are
merged (engine/merge.py); the cache holds the merged analysis, under the document's key.

A fallback in any part (its answer stayed invalid after the repair): the parts' analyses would mix
the model's with the offline engine's, so the whole document is the offline engine's analysis —
which that part's fallback already is, its prompt carrying the whole parsed document — marked as a
fallback naming the part and why. What every part's attempts cost is counted all the same."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import reduce

from shared.cpu_lane import on_cpu_lane
from .engine.cache import AnalysisCache, cache_key
from .engine.merge import merge_analyses
from .engine.models import DocumentAnalysis
from .engine.plan import AnalysisPlan, analysis_plan
from .engine.prompts import CourseContext
from shared.leftover_tasks import all_or_none
from shared.docs.model import ParsedDocument
from shared.llm.budget import BudgetExhausted, within_budget
from shared.llm.offline import OfflineProvider
from shared.llm.provider import Completion, InvalidAnswer, LLMProvider, Prompt, ProviderError, Usage

log = logging.getLogger(__name__)


class DocumentFailed(RuntimeError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class Analysed:
    analysis: DocumentAnalysis
    usage: Usage | None  # None: answered from the cache, nothing paid
    cached: bool
    fallback: str | None = None  # why the offline engine produced it (shared/llm/fallback.py)
    parts: int = 1  # how many prompts the document is analysed in


@dataclass(frozen=True)
class Prepared:
    document: ParsedDocument
    key: str
    plan: AnalysisPlan
    cached: DocumentAnalysis | None

    def answered_from_cache(self) -> Analysed:
        return Analysed(self.cached, None, True, parts=self.plan.parts)


class DocumentAnalyser:
    def __init__(self, provider: LLMProvider, cache: AnalysisCache, attempts: int) -> None:
        self._provider, self._cache, self._attempts = provider, cache, attempts
        # The offline engine itself (not a model that falls back to it): it reads the parsed
        # document, so a document is never cut into parts for it. Wrappers copy its name.
        self._offline = provider.name == OfflineProvider.name

    def within(self, budget_usd: float | None) -> "DocumentAnalyser":
        """This analyser for one run capped at `budget_usd` (shared/llm/budget.py)."""
        if budget_usd is None:
            return self
        return DocumentAnalyser(within_budget(self._provider, budget_usd), self._cache, self._attempts)

    @property
    def provider_name(self) -> str:
        return self._provider.name

    @property
    def model(self) -> str:
        return self._provider.model

    def key(self, content_hash: str, course: CourseContext, version: str) -> str:
        return cache_key(content_hash, self._provider.name, self._provider.model, version,
                         course.complexity_level, course.additional_info, course.language)

    async def analyse(self, document: ParsedDocument, raw_text: str, content_hash: str,
                      course: CourseContext) -> Analysed:
        prepared = await self.prepare(document, raw_text, content_hash, course)
        if prepared.cached is not None:
            return prepared.answered_from_cache()
        result = await self.ask(prepared)
        await self.remember(prepared, result)
        return result

    async def prepare(self, document: ParsedDocument, raw_text: str, content_hash: str,
                      course: CourseContext) -> "Prepared":
        """The document's prompts and its cached analysis, if any: what comes before the provider."""
        # Off the event loop: cutting a long document scans every line of it.
        plan = await on_cpu_lane(analysis_plan, document, raw_text, course, self._provider.limits,
                                 self._offline)
        key = self.key(content_hash, course, plan.version)
        return Prepared(document, key, plan, await self._cache.get(key))

    async def ask(self, prepared: "Prepared") -> Analysed:
        """The provider's analysis of a prepared document (not cached yet: `remember`)."""
        document, plan = prepared.document, prepared.plan
        completions = await all_or_none(*(self._ask(document, prompt, number, plan.parts)
                                         for number, prompt in enumerate(plan.prompts, start=1)))
        usage = reduce(lambda total, c: total + c.usage, completions[1:], completions[0].usage)
        fallen = [(number, c) for number, c in enumerate(completions, start=1) if c.fallback is not None]
        if fallen:  # a fallback is not the model's answer: ask it again next time
            number, completion = fallen[0]
            reason = completion.fallback if plan.parts == 1 else f"part {number} of {plan.parts}: {completion.fallback}"
            return Analysed(completion.value, usage, False, reason[:2000], plan.parts)
        return Analysed(merge_analyses([c.value for c in completions]), usage, False, parts=plan.parts)

    async def remember(self, prepared: "Prepared", result: Analysed) -> None:
        """Caches the model's analysis (a fallback is not the model's answer: not cached)."""
        if not result.cached and result.fallback is None:
            await self._cache.put(prepared.key, result.analysis)

    async def _ask(self, document: ParsedDocument, prompt: Prompt, number: int,
                   parts: int) -> Completion[DocumentAnalysis]:
        which = "" if parts == 1 else f"part {number} of {parts}: "
        last = "no attempt made"
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._provider.complete(prompt, DocumentAnalysis)
            except InvalidAnswer as exc:  # only under LLM_STRICT: the repair turn was its second try
                raise DocumentFailed(document.path, which + str(exc)) from None
            except BudgetExhausted:
                raise  # the run stops: trying again cannot help
            except ProviderError as exc:
                log.warning("analysing %s%s failed (attempt %d of %d): %s", which, document.path, attempt,
                            self._attempts, exc)
                last = str(exc)
        raise DocumentFailed(document.path, which + last)


