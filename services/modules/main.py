"""Entrypoint of the modules service: `python -m services.modules.main`."""
from __future__ import annotations

from shared.bus.stage_app import log_only, run_stage_service
from shared.events.catalogue import CourseGenerationRequested

from .settings import ModulesSettings


def main() -> None:
    settings = ModulesSettings()
    run_stage_service(settings.service_name, CourseGenerationRequested, log_only(settings.service_name), settings)


if __name__ == "__main__":
    main()
