"""What a model can take: its context window and its output limit, in tokens. LLM_CONTEXT_TOKENS and
LLM_MAX_OUTPUT_TOKENS say it for any model; for the common hosted ones the table below does when
they are unset. A local model (Ollama, llama.cpp, vLLM) has the window its server was started with,
which no name tells: set LLM_CONTEXT_TOKENS for it, or its prompts are not fitted at all."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelLimits:
    context_tokens: int | None  # None: unknown, prompts are sent as they are
    max_output_tokens: int | None


# model-name prefix: (context window, output limit); the longest matching prefix wins.
KNOWN_MODELS: dict[str, tuple[int, int]] = {
    "claude-opus-4": (200_000, 32_000),
    "claude-opus-4-5": (200_000, 64_000),
    "claude-opus-4-6": (200_000, 64_000),
    "claude-sonnet-4": (200_000, 64_000),
    "claude-3-7-sonnet": (200_000, 64_000),
    "claude-haiku-4": (200_000, 64_000),
    "claude-3-5-haiku": (200_000, 8_192),
    "gpt-5": (400_000, 128_000),
    "gpt-4.1": (1_047_576, 32_768),
    "gpt-4o": (128_000, 16_384),
    "o3": (200_000, 100_000),
    "o4-mini": (200_000, 100_000),
}


def known_limits(model: str) -> ModelLimits:
    matches = [prefix for prefix in KNOWN_MODELS if model.startswith(prefix)]
    if not matches:
        return ModelLimits(None, None)
    context, output = KNOWN_MODELS[max(matches, key=len)]
    return ModelLimits(context, output)


def limits_for(model: str, context_tokens: int | None, max_output_tokens: int | None) -> ModelLimits:
    """The settings where given, else the table's figures for `model`."""
    known = known_limits(model)
    return ModelLimits(context_tokens or known.context_tokens, max_output_tokens or known.max_output_tokens)
