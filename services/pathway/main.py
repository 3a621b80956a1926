"""Entrypoint of the pathway service: `python -m services.pathway.main`."""
from __future__ import annotations

import asyncio

from shared.bus.stage_app import build_stage_app
from shared.events.catalogue import PathwaysRequested
from shared.logging import configure_logging

from .handlers import handle_request
from .settings import PathwaySettings


def build_app(settings: PathwaySettings | None = None):
    settings = settings or PathwaySettings()
    return build_stage_app(settings.service_name, PathwaysRequested, handle_request, settings)


def main() -> None:
    settings = PathwaySettings()
    configure_logging(settings.log_level, settings.service_name)
    asyncio.run(build_app(settings).run())


if __name__ == "__main__":
    main()
