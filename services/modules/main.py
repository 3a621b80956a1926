"""Entrypoint of the modules service: `python -m services.modules.main`."""
from __future__ import annotations

from functools import partial

from shared.bus.stage_app import run_stage_service
from shared.events.catalogue import CourseGenerationRequested

from .handlers import make_handler
from .settings import ModulesSettings


def main() -> None:
    settings = ModulesSettings()
    run_stage_service(settings.service_name, CourseGenerationRequested, partial(make_handler, settings=settings),
                      settings)


if __name__ == "__main__":
    main()
