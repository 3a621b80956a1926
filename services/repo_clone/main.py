"""Entrypoint of the repo_clone service: `python -m services.repo_clone.main`."""
from __future__ import annotations

import asyncio

from shared.bus.stage_app import build_stage_app
from shared.events.catalogue import RepoCloneRequested
from shared.logging import configure_logging

from .handlers import handle_request
from .settings import RepoCloneSettings


def build_app(settings: RepoCloneSettings | None = None):
    settings = settings or RepoCloneSettings()
    return build_stage_app(settings.service_name, RepoCloneRequested, handle_request, settings)


def main() -> None:
    settings = RepoCloneSettings()
    configure_logging(settings.log_level, settings.service_name)
    asyncio.run(build_app(settings).run())


if __name__ == "__main__":
    main()
