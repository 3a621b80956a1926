from __future__ import annotations

from pydantic import Field

from shared.llm.settings import LLMSettings
from shared.settings import ServiceSettings


class ModulesSettings(ServiceSettings, LLMSettings):
    service_name: str = "modules"
    module_concurrency: int = Field(default=4, ge=1, le=64, description="modules written at once")
    max_document_bytes: int = Field(default=2_000_000, ge=1)
