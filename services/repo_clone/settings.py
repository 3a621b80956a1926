from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings


class RepoCloneSettings(ServiceSettings):
    service_name: str = "repo_clone"
    allow_local_repos: bool = False
    max_repo_bytes: int = Field(default=500_000_000, ge=1)
    max_repo_files: int = Field(default=100_000, ge=1)
    max_file_bytes: int = Field(default=2_000_000, ge=1)
    clone_timeout_seconds: float = Field(default=300.0, gt=0)
    sparse_threshold_files: int = Field(default=20_000, ge=1)
    snapshot_bucket: str = "repo-snapshots"
    work_dir: str | None = None  # where checkouts are made; the system temp folder by default
