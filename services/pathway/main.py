"""Entrypoint of the pathway service: `python -m services.pathway.main`."""
from __future__ import annotations

from shared.bus.stage_app import log_only, run_stage_service
from shared.events.catalogue import PathwaysRequested

from .settings import PathwaySettings


def main() -> None:
    settings = PathwaySettings()
    run_stage_service(settings.service_name, PathwaysRequested, log_only(settings.service_name), settings)


if __name__ == "__main__":
    main()
