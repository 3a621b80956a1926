"""One document through the cache and the provider, with its own retries."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from .engine.cache import AnalysisCache, cache_key
from .engine.models import PROMPT_VERSION, DocumentAnalysis
from .engine.prompts import CourseContext, analysis_prompt
from shared.docs.model import ParsedDocument
from shared.llm.provider import Completion, InvalidAnswer, LLMProvider, ProviderError, Usage

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


class DocumentAnalyser:
    def __init__(self, provider: LLMProvider, cache: AnalysisCache, attempts: int) -> None:
        self._provider, self._cache, self._attempts = provider, cache, attempts

    @property
    def provider_name(self) -> str:
        return self._provider.name

    @property
    def model(self) -> str:
        return self._provider.model

    def key(self, content_hash: str, course: CourseContext) -> str:
        return cache_key(content_hash, self._provider.name, self._provider.model, PROMPT_VERSION,
                         course.complexity_level, course.additional_info)

    async def analyse(self, document: ParsedDocument, raw_text: str, content_hash: str,
                      course: CourseContext) -> Analysed:
        key = self.key(content_hash, course)
        cached = await self._cache.get(key)
        if cached is not None:
            return Analysed(cached, None, True)
        completion = await self._ask(document, raw_text, course)
        if completion.fallback is None:  # a fallback is not the model's answer: ask it again next time
            await self._cache.put(key, completion.value)
        return Analysed(completion.value, completion.usage, False, completion.fallback)

    async def _ask(self, document: ParsedDocument, raw_text: str,
                   course: CourseContext) -> Completion[DocumentAnalysis]:
        prompt = analysis_prompt(document, raw_text, course)
        last = "no attempt made"
        for attempt in range(1, self._attempts + 1):
            try:
                completion = await self._provider.complete(prompt, DocumentAnalysis)
            except InvalidAnswer as exc:  # only under LLM_STRICT: the repair turn was its second try
                raise DocumentFailed(document.path, str(exc)) from None
            except ProviderError as exc:
                log.warning("analysing %s failed (attempt %d of %d): %s", document.path, attempt,
                            self._attempts, exc)
                last = str(exc)
                continue
            return completion
        raise DocumentFailed(document.path, last)
