"""The provider a service's settings ask for (LLM_PROVIDER=offline|anthropic|openai)."""
from __future__ import annotations

from shared.llm.provider import LLMProvider
from shared.llm.settings import LLMSettings


def build_provider(settings: LLMSettings) -> LLMProvider:
    """A model provider comes wrapped: an answer still invalid after its repair is produced by the
    offline engine and marked (unless LLM_STRICT)."""
    if settings.llm_provider in ("anthropic", "openai"):
        from shared.llm.fallback import FallbackProvider

        return FallbackProvider(_model_provider(settings), strict=settings.llm_strict)
    if settings.llm_provider == "offline":
        # Imported here so this module loads (and the anthropic path works) without the offline
        # engine, and offline deployments never import the SDK.
        from shared.llm.offline import OfflineProvider

        return OfflineProvider()
    raise ValueError(f"unknown LLM provider {settings.llm_provider!r}; use 'offline', 'anthropic' or 'openai'")


def _model_provider(settings: LLMSettings) -> LLMProvider:
    if settings.llm_provider == "anthropic":
        from shared.llm.anthropic_provider import AnthropicProvider

        return AnthropicProvider(settings)
    from shared.llm.openai_provider import OpenAIProvider

    return OpenAIProvider(settings)
