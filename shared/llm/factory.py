"""The provider a service's settings ask for (LLM_PROVIDER=offline|anthropic|openai). A new provider:
its module beside the others (implementing provider.LLMProvider), a branch here, its settings in
settings.py (docs/architecture.md)."""
from __future__ import annotations

from shared.llm.offline import OfflineEngines, OfflineProvider
from shared.llm.provider import LLMProvider
from shared.llm.settings import LLMSettings


def build_provider(settings: LLMSettings, offline_engines: OfflineEngines) -> LLMProvider:
    """The provider for a stage whose offline engines are `offline_engines` (task -> engine). A
    model provider comes wrapped: an answer still invalid after its repair is produced by the
    offline engine and marked (unless LLM_STRICT)."""
    offline = OfflineProvider(offline_engines)
    if settings.llm_provider in ("anthropic", "openai"):
        from shared.llm.fallback import FallbackProvider

        return FallbackProvider(_model_provider(settings), offline, strict=settings.llm_strict)
    if settings.llm_provider == "offline":
        return offline
    raise ValueError(f"unknown LLM provider {settings.llm_provider!r}; use 'offline', 'anthropic' or 'openai'")


def _model_provider(settings: LLMSettings) -> LLMProvider:
    if settings.llm_provider == "anthropic":
        from shared.llm.anthropic_provider import AnthropicProvider

        return AnthropicProvider(settings)
    from shared.llm.openai_provider import OpenAIProvider

    return OpenAIProvider(settings)
