from __future__ import annotations

from shared.settings import ServiceSettings


class ModulesSettings(ServiceSettings):
    service_name: str = "modules"
