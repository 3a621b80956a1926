"""Entrypoint of the doc_analyser service: `python -m services.doc_analyser.main`."""
from __future__ import annotations

from shared.bus.stage_app import log_only, run_stage_service
from shared.events.catalogue import DocsAnalysisRequested

from .settings import DocAnalyserSettings


def main() -> None:
    settings = DocAnalyserSettings()
    run_stage_service(settings.service_name, DocsAnalysisRequested, log_only(settings.service_name), settings)


if __name__ == "__main__":
    main()
