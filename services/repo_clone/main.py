"""Entrypoint of the repo_clone service: `python -m services.repo_clone.main`."""
from __future__ import annotations

from shared.events.catalogue import RepoCloneRequested
from shared.stage.service import StageService

from .handlers import make_handler
from .settings import RepoCloneSettings

main = StageService(name="repo_clone", request=RepoCloneRequested, settings=RepoCloneSettings,
                    handler=make_handler).main

if __name__ == "__main__":
    main()
