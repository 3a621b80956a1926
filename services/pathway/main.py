"""Entrypoint of the pathway service: `python -m services.pathway.main`."""
from __future__ import annotations

from functools import partial

from shared.bus.stage_app import run_stage_service
from shared.events.catalogue import PathwaysRequested

from .handlers import make_handler
from .settings import PathwaySettings


def main() -> None:
    settings = PathwaySettings()
    run_stage_service(settings.service_name, PathwaysRequested, partial(make_handler, settings=settings), settings)


if __name__ == "__main__":
    main()
