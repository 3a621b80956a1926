"""Settings shared by every service; each service subclasses ServiceSettings with its own."""
from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.bus.connection import inbox_prefix
from shared.bus.provisioning import StreamSpec

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "changethis", "secret", "password", "dev", "test"}


class ServiceSettings(BaseSettings):
    # Errors never echo the input: it may hold a key, a token or a password.
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True, hide_input_in_errors=True)

    environment: Literal["development", "test", "production"] = "development"
    nats_url: str = "nats://127.0.0.1:4222"
    stream_name: str = Field(default="COURSES", pattern=r"^[A-Za-z0-9_-]+$")
    stream_replicas: int = Field(default=1, ge=1, le=5)
    duplicate_window_seconds: float = Field(default=120.0, gt=0)
    artefact_bucket: str = "course-artefacts"
    secret_bucket: str = "course-secrets"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # A stage service's durable consumer: how long a delivery may go unacknowledged (in-progress
    # acks extend it while work runs) before a peer gets it, and how often it is tried.
    consumer_ack_wait_seconds: float = Field(default=60.0, ge=1.0)
    consumer_max_deliver: int = Field(default=10, ge=1)
    # A stage service's GET /metrics and GET /health (the gateway serves both on its own port).
    # 0 takes any free port and logs it; deployments set a fixed one (e.g. 9100) and 0.0.0.0.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=0, ge=0, le=65535)
    # What /metrics reads from NATS (the projection's lag, a consumer's backlog) is read at most
    # once per this many seconds, however often it is scraped.
    metrics_refresh_seconds: float = Field(default=5.0, gt=0)
    # Once asked to stop (SIGTERM, Ctrl-C, its launcher gone), a process exits within this many
    # seconds even if its stop is stuck (shared/stop_deadline.py): more than a stage service's
    # wait for the work in hand (shared/stage/app.py) and the gateway's for open requests.
    stop_deadline_seconds: float = Field(default=25.0, gt=0)

    @field_validator("nats_url")
    @classmethod
    def _nats_scheme(cls, value: str) -> str:
        # One server, or the nodes of a cluster separated by commas, all as the same user.
        for url in value.split(","):
            if not url.strip().startswith(("nats://", "tls://", "ws://", "wss://")):
                raise ValueError("NATS_URL must start with nats://, tls://, ws:// or wss:// "
                                 "(each server, when it names several separated by commas)")
        inbox_prefix(value)
        return value

    @property
    def is_development(self) -> bool:
        return self.environment != "production"

    def stream_spec(self) -> StreamSpec:
        return StreamSpec(
            name=self.stream_name, replicas=self.stream_replicas,
            duplicate_window_seconds=self.duplicate_window_seconds,
            artefact_bucket=self.artefact_bucket, secret_bucket=self.secret_bucket,
        )


def refuse_missing_key(name: str, value: str | None, environment: str, development_value: str,
                       check: Callable[[str, str], str]) -> None:
    """A key setting: well-formed when given; in production required, and never the development
    key every checkout shares (development and test fall back to it, so a laptop and the test
    suite need no key)."""
    if value is not None:
        check(value, name)
    if environment != "production":
        return
    if value is None:
        raise ValueError(f"{name} is required in production (`coursegen secrets-key` makes a key pair)")
    if value.strip() == development_value:
        raise ValueError(f"{name} is the development key every checkout shares; set a real one")


def refuse_placeholder(name: str, value: str | None, environment: str) -> None:
    if environment != "development" and value is not None and (
        value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < 32
    ):
        raise ValueError(f"{name} is a placeholder or shorter than 32 characters; set a real secret")
