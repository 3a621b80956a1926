"""Settings of the LLM provider, mixed into the settings of every service that calls one. The
provider-specific fields are not listed here: each provider declares its own (`choice` and `settings`
of its ProviderSpec) beside its code, and the classes below inherit them from the registry
(shared/llm/providers.py), as they take LLM_PROVIDER's values and each provider's validation from it."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.llm.model_limits import ModelLimits
from shared.llm.provider import ProviderSpec
from shared.llm.providers import PROVIDERS, known_limits, provider_named, provider_names

# LLM_PROVIDER's values, as a Literal so that a wrong one is refused naming the right ones.
ProviderName = Literal[provider_names()]  # type: ignore[valid-type]


class _ProviderChoice(BaseSettings):
    llm_provider: ProviderName = "offline"  # type: ignore[valid-type]
    llm_context_tokens: int | None = Field(default=None, ge=512, le=10_000_000, description="the model's "
                                           "context window: no request that would not fit it is sent")
    llm_max_output_tokens: int | None = Field(default=None, ge=16, le=1_000_000,
                                              description="caps every request's output tokens")

    @property
    def provider(self) -> ProviderSpec:
        return provider_named(self.llm_provider)

    @property
    def llm_model(self) -> str:
        return self.provider.model(self)

    @property
    def model_limits(self) -> ModelLimits:
        """The model's context window and output limit: the settings, else its provider's figures."""
        if not self.provider.calls_a_model:
            return ModelLimits(None, None)
        known = known_limits(self.llm_model)
        return ModelLimits(self.llm_context_tokens or known.context_tokens,
                           self.llm_max_output_tokens or known.max_output_tokens)


# mypy cannot follow bases taken from the registry ("Invalid base class"): it knows the fields above.
class LLMChoice(*(spec.choice for spec in PROVIDERS if spec.choice), _ProviderChoice):  # type: ignore[misc]
    """Which provider and model the stages use, and its limits, without keys or addresses: all the
    gateway reads (to estimate a stage's cost before it runs), so it needs no API key."""
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)


class AnalysisAttempts(BaseSettings):
    """doc_analyser's tries per document; the gateway reads it too (give both the same value), as
    the most stage 2 may spend on a model it has not run before depends on it (shared/llm/estimates.py)."""
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)
    document_attempts: int = Field(default=2, ge=1, le=10, description="tries per document before it counts as failed")


class LLMSettings(*(spec.settings for spec in PROVIDERS if spec.settings), LLMChoice):  # type: ignore[misc]
    llm_strict: bool = Field(default=False, description="an answer still invalid after the repair fails "
                             "the stage naming the item, instead of the offline engine producing it")
    llm_max_concurrency: int = Field(default=8, ge=1, le=256, description="provider calls in flight per process")
    llm_timeout_seconds: float = Field(default=120.0, gt=0)
    llm_max_retries: int = Field(default=5, ge=0, le=20, description="retries on 429/529/5xx and timeouts")
    llm_retry_base_seconds: float = Field(default=1.0, ge=0)
    llm_retry_max_seconds: float = Field(default=60.0, ge=0)

    @model_validator(mode="after")
    def _the_provider_has_what_it_needs(self) -> "LLMSettings":
        problem = self.provider.problem(self)
        if problem:
            raise ValueError(problem)
        return self
