"""Degrade, don't die: when the model's answer for one item (a document, the pathway set, a module)
is still invalid after the repair turn, the offline engine produces that item and the completion
says so (`fallback`, the reason), so the course completes. LLM_STRICT=true keeps the failure."""
from __future__ import annotations

import logging

from shared.llm.offline import OfflineProvider
from shared.llm.provider import Completion, InvalidAnswer, LLMProvider, Prompt, T, Usage

log = logging.getLogger(__name__)

ENGINE = "offline-fallback"  # how events and results name an item the offline engine produced


async def offline_fallback(offline: OfflineProvider, prompt: Prompt, schema: type[T], reason: str,
                           spent: Usage) -> Completion[T]:
    """The offline engine's answer to `prompt`, marked as a fallback for `reason`; `spent` is what
    the model's attempts cost (it was paid even though the answer is not used)."""
    log.warning("%s: the offline engine produces this item instead of the model: %s", prompt.task, reason)
    completion = await offline.complete(prompt, schema)
    return Completion(completion.value, spent, fallback=reason[:2000])


class FallbackProvider(LLMProvider):
    """Wraps a model provider: an InvalidAnswer becomes the offline engine's answer, marked."""

    def __init__(self, inner: LLMProvider, offline: OfflineProvider, strict: bool = False) -> None:
        self.inner, self.offline, self.strict = inner, offline, strict
        self.name, self.model = inner.name, inner.model
        self.limits = inner.limits

    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        try:
            return await self.inner.complete(prompt, schema)
        except InvalidAnswer as error:
            if self.strict:
                raise
            spent = getattr(error, "usage", None) or Usage.none(self.name, self.model)
            return await offline_fallback(self.offline, prompt, schema, str(error), spent)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _layers(provider: LLMProvider | None):
    """The provider and every provider it wraps (metering, fallback), outermost first."""
    while provider is not None:
        yield provider
        provider = getattr(provider, "inner", None)


def offline_engine_of(provider: LLMProvider) -> OfflineProvider:
    """The offline engine a provider falls back to (itself when it is the offline engine)."""
    for layer in _layers(provider):
        if isinstance(layer, FallbackProvider):
            return layer.offline
        if isinstance(layer, OfflineProvider):
            return layer
    raise ValueError("this provider has no offline engine to fall back to")


def is_strict(provider: LLMProvider) -> bool:
    """Whether items must not fall back (a provider that is not wrapped never falls back)."""
    return next((layer.strict for layer in _layers(provider) if isinstance(layer, FallbackProvider)), True)
