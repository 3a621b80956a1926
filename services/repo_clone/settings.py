from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from shared.sealing import DEVELOPMENT_PRIVATE_KEY, Opener, check_private_key
from shared.bus.provisioning import StreamSpec
from shared.settings import ServiceSettings, refuse_missing_key


class RepoCloneSettings(ServiceSettings):
    service_name: str = "repo_clone"
    allow_local_repos: bool = False
    # Host names (comma-separated) whose ssh:// and git@host:path URLs may be cloned: ssh signs in
    # with the service's own keys, which may read repositories no user should. Empty: none.
    allowed_ssh_hosts: str = ""
    max_repo_bytes: int = Field(default=500_000_000, ge=1)
    max_repo_files: int = Field(default=100_000, ge=1)
    max_file_bytes: int = Field(default=2_000_000, ge=1)
    clone_timeout_seconds: float = Field(default=300.0, gt=0)
    # Only documentation is written to disk; up to this many files every blob is fetched so each
    # file's size is known, above it only documentation is fetched (and listed).
    sparse_threshold_files: int = Field(default=20_000, ge=1)
    snapshot_bucket: str = StreamSpec.snapshot_bucket
    work_dir: str | None = None  # where checkouts are made; the system temp folder by default
    # Opens the private-repository tokens the gateway sealed to this key's public half
    # (SECRETS_PUBLIC_KEY there). During a rotation the previous key still opens what was sealed to
    # it; entries live at most the KV's TTL, after which SECRETS_KEY_PREVIOUS can go.
    secrets_key: SecretStr | None = None
    secrets_key_previous: SecretStr | None = None

    @model_validator(mode="after")
    def _opening_keys_are_configured(self) -> "RepoCloneSettings":
        refuse_missing_key("SECRETS_KEY", self._key(self.secrets_key), self.environment,
                           DEVELOPMENT_PRIVATE_KEY, check_private_key)
        if self.secrets_key_previous is not None:
            check_private_key(self.secrets_key_previous.get_secret_value(), "SECRETS_KEY_PREVIOUS")
        return self

    @property
    def ssh_hosts(self) -> frozenset[str]:
        return frozenset(filter(None, (h.strip().lower().rstrip(".") for h in self.allowed_ssh_hosts.split(","))))

    @staticmethod
    def _key(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    def opener(self) -> Opener:
        keys = [self._key(self.secrets_key) or DEVELOPMENT_PRIVATE_KEY]
        if self.secrets_key_previous is not None:
            keys.append(self.secrets_key_previous.get_secret_value())
        return Opener(keys)
