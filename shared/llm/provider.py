"""The one interface every LLM provider implements: a prompt and a pydantic model in,
a validated instance of that model and what it cost out."""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Generic, Mapping, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.llm.model_limits import ModelLimits

T = TypeVar("T", bound=BaseModel)


class ProviderError(RuntimeError):
    """The provider could not produce a valid answer (after its retries and one repair attempt).
    The message says why, in words a user can act on; it never contains the API key."""


class InvalidAnswer(ProviderError):
    """No valid answer can be had from the model for this item — its answer did not fit the schema
    even after the repair turn, or the prompt does not fit its context window — but the item can
    still be produced by the offline engine (shared/llm/fallback.py)."""


class PromptTooLarge(InvalidAnswer):
    """The request would not fit the model's context window (LLM_CONTEXT_TOKENS): never sent."""


@dataclass(frozen=True)
class Prompt:
    """What to ask. `task` names the job (e.g. "analyse_document"): the offline engine dispatches
    on it. `system` is the context shared by every call of a course's stage (cached by providers
    that support prompt caching); `user` is this call's own part. `data` carries the same facts
    as structured values for engines that do not read prose (the offline one)."""
    task: str
    system: str
    user: str
    data: Mapping[str, Any] = field(default_factory=dict)
    max_output_tokens: int = 4096


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True)
    provider: str
    model: str
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cache_read_tokens: int = Field(default=0, ge=0)
    cache_creation_tokens: int = Field(default=0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0)
    calls: int = Field(default=1, ge=0, description="provider requests made, retries and repairs included")

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(provider=self.provider, model=self.model,
                     input_tokens=self.input_tokens + other.input_tokens,
                     output_tokens=self.output_tokens + other.output_tokens,
                     cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
                     cache_creation_tokens=self.cache_creation_tokens + other.cache_creation_tokens,
                     latency_ms=self.latency_ms + other.latency_ms, calls=self.calls + other.calls)

    @classmethod
    def none(cls, provider: str, model: str) -> "Usage":
        return cls(provider=provider, model=model, calls=0)


@dataclass(frozen=True)
class Completion(Generic[T]):
    value: T
    usage: Usage
    # Set when the offline engine produced `value` because the model's answer stayed invalid:
    # why (usage is still what the model's attempts cost).
    fallback: str | None = None


class LLMProvider(abc.ABC):
    """Subclasses: OfflineProvider (deterministic, no network), the model providers (Anthropic,
    OpenAI-compatible) and the wrappers around them (fallback, metering), which pass `limits` on."""
    name: str
    model: str
    # The model's context window and output limit; None where unbounded or unknown (the offline
    # engine): a stage fits its prompts to these (shared/llm/prompt_size.py).
    limits: ModelLimits = ModelLimits(None, None)

    @abc.abstractmethod
    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        """Answer `prompt` as a validated `schema` instance, or raise ProviderError."""

    async def aclose(self) -> None:
        """Release connections; the default has none."""
