from __future__ import annotations

from shared.settings import ServiceSettings


class RepoCloneSettings(ServiceSettings):
    service_name: str = "repo_clone"
