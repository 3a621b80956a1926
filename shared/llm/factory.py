"""The provider a service's settings ask for (LLM_PROVIDER=offline|anthropic|openai)."""
from __future__ import annotations

from shared.llm.provider import LLMProvider
from shared.llm.settings import LLMSettings


def build_provider(settings: LLMSettings) -> LLMProvider:
    if settings.llm_provider == "anthropic":
        from shared.llm.anthropic_provider import AnthropicProvider

        return AnthropicProvider(settings)
    if settings.llm_provider == "openai":
        from shared.llm.openai_provider import OpenAIProvider

        return OpenAIProvider(settings)
    if settings.llm_provider == "offline":
        # Imported here so this module loads (and the anthropic path works) without the offline
        # engine, and offline deployments never import the SDK.
        from shared.llm.offline import OfflineProvider

        return OfflineProvider()
    raise ValueError(f"unknown LLM provider {settings.llm_provider!r}; use 'offline', 'anthropic' or 'openai'")
