from __future__ import annotations

from shared.settings import ServiceSettings


class PathwaySettings(ServiceSettings):
    service_name: str = "pathway"
