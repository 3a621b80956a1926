"""Counting what LLM calls cost: a provider wrapper that records each answer's usage (calls,
tokens by kind, estimated cost) and each failure, by provider and model."""
from __future__ import annotations

from shared.llm.provider import Completion, LLMProvider, Prompt, ProviderError, T

from .metrics import Metrics, metrics


class MeteredProvider(LLMProvider):
    def __init__(self, inner: LLMProvider, recorder: Metrics | None = None) -> None:
        self.inner, self.name, self.model = inner, inner.name, inner.model
        self.limits = inner.limits
        self._metrics = recorder or metrics()

    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        try:
            completion = await self.inner.complete(prompt, schema)
        except ProviderError:
            self._metrics.llm_failed(self.name, self.model)
            raise
        self._metrics.llm_used(completion.usage)
        return completion

    async def aclose(self) -> None:
        await self.inner.aclose()


def metered(provider: LLMProvider) -> LLMProvider:
    return MeteredProvider(provider)
