"""Entrypoint of the repo_clone service: `python -m services.repo_clone.main`."""
from __future__ import annotations

from functools import partial

from shared.bus.stage_app import run_stage_service
from shared.events.catalogue import RepoCloneRequested

from .handlers import make_handler
from .settings import RepoCloneSettings


def main() -> None:
    settings = RepoCloneSettings()
    handler = partial(make_handler, settings=settings)
    run_stage_service(settings.service_name, RepoCloneRequested, handler, settings)


if __name__ == "__main__":
    main()
