"""Entrypoint of the doc_analyser service: `python -m services.doc_analyser.main`."""
from __future__ import annotations

from functools import partial

from shared.bus.stage_app import run_stage_service
from shared.events.catalogue import DocsAnalysisRequested

from .handlers import make_handler
from .settings import DocAnalyserSettings


def main() -> None:
    settings = DocAnalyserSettings()
    run_stage_service(settings.service_name, DocsAnalysisRequested, partial(make_handler, settings=settings),
                      settings)


if __name__ == "__main__":
    main()
