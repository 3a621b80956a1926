"""Settings of the LLM provider, mixed into the settings of every service that calls one."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class LLMSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    llm_provider: Literal["offline", "anthropic"] = "offline"
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = Field(default=None, description="e.g. a proxy or a local test server")
    anthropic_model: str = Field(default="claude-sonnet-4-5", min_length=1, max_length=200)
    llm_max_concurrency: int = Field(default=8, ge=1, le=256, description="provider calls in flight per process")
    llm_timeout_seconds: float = Field(default=120.0, gt=0)
    llm_max_retries: int = Field(default=5, ge=0, le=20, description="retries on 429/529/5xx and timeouts")
    llm_retry_base_seconds: float = Field(default=1.0, ge=0)
    llm_retry_max_seconds: float = Field(default=60.0, ge=0)

    @model_validator(mode="after")
    def _anthropic_needs_a_key(self) -> "LLMSettings":
        if self.llm_provider == "anthropic" and not self.anthropic_api_key:
            raise ValueError("LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY")
        return self

    @property
    def llm_model(self) -> str:
        return "offline-engine" if self.llm_provider == "offline" else self.anthropic_model
