"""Entrypoint of the doc_analyser service: `python -m services.doc_analyser.main`."""
from __future__ import annotations

import asyncio

from shared.bus.stage_app import build_stage_app
from shared.events.catalogue import DocsAnalysisRequested
from shared.logging import configure_logging

from .handlers import handle_request
from .settings import DocAnalyserSettings


def build_app(settings: DocAnalyserSettings | None = None):
    settings = settings or DocAnalyserSettings()
    return build_stage_app(settings.service_name, DocsAnalysisRequested, handle_request, settings)


def main() -> None:
    settings = DocAnalyserSettings()
    configure_logging(settings.log_level, settings.service_name)
    asyncio.run(build_app(settings).run())


if __name__ == "__main__":
    main()
