from __future__ import annotations

from pydantic import Field

from shared.llm.settings import LLMSettings
from shared.settings import ServiceSettings


class PathwaySettings(ServiceSettings, LLMSettings):
    service_name: str = "pathway"
    module_target_minutes: int = Field(default=45, ge=5, le=600, description="reading time a module aims at")
