"""Entrypoint of the pathway service: `python -m services.pathway.main`."""
from __future__ import annotations

from shared.events.catalogue import PathwaysRequested
from shared.stage.service import StageService

from .handlers import make_handler
from .settings import PathwaySettings

main = StageService(name="pathway", request=PathwaysRequested, settings=PathwaySettings, handler=make_handler).main

if __name__ == "__main__":
    main()
