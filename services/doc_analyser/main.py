"""Entrypoint of the doc_analyser service: `python -m services.doc_analyser.main`."""
from __future__ import annotations

from shared.events.catalogue import DocsAnalysisRequested
from shared.stage.service import StageService

from .handlers import make_handler
from .settings import DocAnalyserSettings

main = StageService(name="doc_analyser", request=DocsAnalysisRequested, settings=DocAnalyserSettings,
                    handler=make_handler).main

if __name__ == "__main__":
    main()
