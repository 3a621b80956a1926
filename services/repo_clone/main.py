"""Entrypoint of the repo_clone service: `python -m services.repo_clone.main`."""
from __future__ import annotations

from shared.bus.stage_app import run_stage_service
from shared.events.catalogue import RepoCloneRequested

from .handlers import handle_request
from .settings import RepoCloneSettings


def main() -> None:
    settings = RepoCloneSettings()
    run_stage_service(settings.service_name, RepoCloneRequested, handle_request, settings)


if __name__ == "__main__":
    main()
