"""The one interface every LLM provider implements: a prompt and a pydantic model in,
a validated instance of that model and what it cost out; and what each provider declares about
itself beside its code (`ProviderSpec`), which shared/llm/providers.py registers."""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Mapping, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings

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


class Price(NamedTuple):
    """A model's list price, in USD per million tokens."""
    input: float
    output: float
    cache_read: float
    cache_write: float


V = TypeVar("V")


def by_longest_prefix(table: Mapping[str, V], model: str) -> V | None:
    """The entry of `table` (model-name prefix -> value) whose key is the longest prefix of `model`."""
    matches = [prefix for prefix in table if model.startswith(prefix)]
    return table[max(matches, key=len)] if matches else None


def no_problem(settings: Any) -> str | None:
    return None


@dataclass(frozen=True)
class ProviderSpec:
    """Everything about one provider, declared in its module beside its code and registered once in
    shared/llm/providers.py: LLM_PROVIDER's values, the settings classes, the factory, the model
    limits and the prices are all derived from the registered specs."""
    name: str  # LLM_PROVIDER's value
    model: Callable[[Any], str]  # settings -> the model they name (e.g. ANTHROPIC_MODEL)
    # Its fields that the gateway reads too, to estimate a stage's cost: the model; never a key.
    choice: type[BaseSettings] | None = None
    # Its other fields (keys, addresses, options), read by the stage services only: keys as SecretStr.
    settings: type[BaseSettings] | None = None
    # settings -> what they lack for this provider, said so that an operator can fix it; None: usable.
    problem: Callable[[Any], str | None] = no_problem
    # settings -> the provider; None for the offline engine, which is no model provider.
    build: Callable[[Any], LLMProvider] | None = None
    # model-name prefix -> (context window, output limit) in tokens; the longest matching prefix wins.
    limits: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    # model-name prefix -> list price; a model matching none is unpriced (pricing.py says what that means).
    prices: Mapping[str, Price] = field(default_factory=dict)

    @property
    def calls_a_model(self) -> bool:
        return self.build is not None
