"""Entrypoint of the modules service: `python -m services.modules.main`."""
from __future__ import annotations

from shared.events.catalogue import CourseGenerationRequested
from shared.stage.service import StageService

from .handlers import make_handler
from .settings import ModulesSettings

main = StageService(name="modules", request=CourseGenerationRequested, settings=ModulesSettings,
                    handler=make_handler).main

if __name__ == "__main__":
    main()
