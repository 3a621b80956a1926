"""Settings of the LLM provider, mixed into the settings of every service that calls one. A new
provider's settings go here (with its module and a branch in factory.py)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.llm.model_limits import ModelLimits, limits_for


class LLMChoice(BaseSettings):
    """Which provider and model the stages use, and its limits, without keys or addresses: all the
    gateway reads (to estimate a stage's cost before it runs), so it needs no API key."""
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    llm_provider: Literal["offline", "anthropic", "openai"] = "offline"
    anthropic_model: str = Field(default="claude-sonnet-4-5", min_length=1, max_length=200)
    openai_model: str = Field(default="gpt-4.1-mini", min_length=1, max_length=200)
    llm_context_tokens: int | None = Field(default=None, ge=512, le=10_000_000, description="the model's "
                                           "context window: no request that would not fit it is sent")
    llm_max_output_tokens: int | None = Field(default=None, ge=16, le=1_000_000,
                                              description="caps every request's output tokens")

    @property
    def llm_model(self) -> str:
        return {"offline": "offline-engine", "anthropic": self.anthropic_model,
                "openai": self.openai_model}[self.llm_provider]

    @property
    def model_limits(self) -> ModelLimits:
        """The model's context window and output limit: the settings, else known defaults."""
        if self.llm_provider == "offline":
            return ModelLimits(None, None)
        return limits_for(self.llm_model, self.llm_context_tokens, self.llm_max_output_tokens)


class LLMSettings(LLMChoice):
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = Field(default=None, description="e.g. a proxy or a local test server")
    openai_api_key: SecretStr | None = Field(default=None, description="optional for local servers")
    openai_base_url: str | None = Field(default=None, description="any OpenAI-compatible endpoint, e.g. "
                                        "http://localhost:11434/v1 (Ollama); OpenAI's own when unset")
    openai_structured_output: Literal["auto", "json_schema", "tools", "json"] = Field(
        default="auto", description="auto: probe the endpoint once per model and use the best it honours")
    llm_strict: bool = Field(default=False, description="an answer still invalid after the repair fails "
                             "the stage naming the item, instead of the offline engine producing it")
    llm_max_concurrency: int = Field(default=8, ge=1, le=256, description="provider calls in flight per process")
    llm_timeout_seconds: float = Field(default=120.0, gt=0)
    llm_max_retries: int = Field(default=5, ge=0, le=20, description="retries on 429/529/5xx and timeouts")
    llm_retry_base_seconds: float = Field(default=1.0, ge=0)
    llm_retry_max_seconds: float = Field(default=60.0, ge=0)

    @model_validator(mode="after")
    def _anthropic_needs_a_key(self) -> "LLMSettings":
        if self.llm_provider == "anthropic" and not self.anthropic_api_key:
            raise ValueError("LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY")
        if self.llm_provider == "openai" and not self.openai_api_key and not self.openai_base_url:
            # A local server (Ollama, vLLM, llama.cpp) needs no key; OpenAI's own API does.
            raise ValueError("LLM_PROVIDER=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server")
        return self
