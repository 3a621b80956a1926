"""What a model can take: its context window and its output limit, in tokens. LLM_CONTEXT_TOKENS and
LLM_MAX_OUTPUT_TOKENS say it for any model; for the common hosted ones, the figures their provider
declares (`limits` of its ProviderSpec; shared/llm/providers.py `known_limits`) do when they are
unset. A local model (Ollama, llama.cpp, vLLM) has the window its server was started with, which no
name tells: set LLM_CONTEXT_TOKENS for it, or its prompts are not fitted at all."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelLimits:
    context_tokens: int | None  # None: unknown, prompts are sent as they are
    max_output_tokens: int | None
