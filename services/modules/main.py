"""Entrypoint of the modules service: `python -m services.modules.main`."""
from __future__ import annotations

import asyncio

from shared.bus.stage_app import build_stage_app
from shared.events.catalogue import CourseGenerationRequested
from shared.logging import configure_logging

from .handlers import handle_request
from .settings import ModulesSettings


def build_app(settings: ModulesSettings | None = None):
    settings = settings or ModulesSettings()
    return build_stage_app(settings.service_name, CourseGenerationRequested, handle_request, settings)


def main() -> None:
    settings = ModulesSettings()
    configure_logging(settings.log_level, settings.service_name)
    asyncio.run(build_app(settings).run())


if __name__ == "__main__":
    main()
