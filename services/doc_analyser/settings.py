from __future__ import annotations

from shared.settings import ServiceSettings


class DocAnalyserSettings(ServiceSettings):
    service_name: str = "doc_analyser"
