from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from shared.llm.settings import AnalysisAttempts, LLMChoice
from shared.sealing import DEVELOPMENT_PUBLIC_KEY, Sealer, check_public_key
from shared.settings import ServiceSettings, refuse_missing_key, refuse_placeholder


# LLMChoice: the provider and model the stage services use (the same variables), to estimate a stage's
# cost before it runs; no key or address of the provider, which only the stage services need.
# AnalysisAttempts: doc_analyser's DOCUMENT_ATTEMPTS, the high end of stage 2's estimate.
class GatewaySettings(ServiceSettings, LLMChoice, AnalysisAttempts):
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    read_schema: str = Field(default="coursegen", pattern=r"^[a-z_][a-z0-9_]{0,40}$")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    jwt_secret: str | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    # The public half of repo_clone's SECRETS_KEY: private-repository tokens are sealed to it before
    # they reach the KV (shared/sealing.py), so the gateway can store them but never read them back.
    secrets_public_key: str | None = None
    admin_users: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    projection_wait_seconds: float = Field(default=5.0, gt=0)
    ready_max_lag_events: int = Field(default=1000, ge=0)
    cors_origins: list[str] = Field(default_factory=list)
    # In development, the names this gateway answers to (the Host header, without the port): another
    # name is a 400, so a page whose name resolves to 127.0.0.1 cannot use it (DNS rebinding).
    allowed_hosts: list[str] = Field(default_factory=lambda: ["localhost", "127.0.0.1", "::1"])
    allow_local_repos: bool = False
    # A stage that started and says nothing for this long is failed with a timeout (0: never).
    stage_timeout_seconds: float = Field(default=1800.0, ge=0)
    watchdog_interval_seconds: float = Field(default=15.0, gt=0)
    # Course histories kept between the requests that fold them, in bytes of their events' JSON
    # (kept_histories.py; about 4 times that in memory, 34 MB at the default; 0: each reads the whole history).
    kept_history_bytes: int = Field(default=8_000_000, ge=0)
    # Live progress streams (SSE) open at once, per user and in all (this process's); more is a 429.
    sse_max_per_user: int = Field(default=8, ge=1)
    sse_max_total: int = Field(default=1000, ge=1)
    # Quotas (services/gateway/edge/quotas.py). What one user's courses may spend per calendar day (UTC),
    # by what their runs that succeeded reported; a run's budget_usd never exceeds what is left.
    user_budget_usd: float = Field(default=20.0, ge=0, le=1_000_000)
    # Stage runs of one user's courses requested and not finished; one more is a 429.
    max_runs_in_flight_per_user: int = Field(default=5, ge=1)
    # API requests (/api/...) per user, or per client address before a token is known, per minute
    # on each replica, with bursts up to rate_limit_burst; more is a 429 with Retry-After. 0: off.
    rate_limit_per_minute: int = Field(default=600, ge=0)
    rate_limit_burst: int = Field(default=120, ge=1)
    # Ask the course (services/gateway/ask/): questions per user per minute on each replica, with
    # bursts up to ask_burst (more is a 429 with Retry-After), and whether a model writes the answers
    # (the LLM_* variables the stage services use; the gateway then holds the provider's key) —
    # off: answers quote the sources.
    ask_per_minute: int = Field(default=20, ge=1)
    ask_burst: int = Field(default=10, ge=1)
    ask_with_model: bool = False
    # Stage services' health URLs (name -> http://host:port/health) that /ready reports as up or
    # down; `coursegen run` sets them, deployments leave it empty (their orchestrator watches).
    service_health_urls: dict[str, str] = Field(default_factory=dict)
    # The secret shared with the git forge: GitHub signs each push with it (X-Hub-Signature-256),
    # GitLab sends it (X-Gitlab-Token). Unset: POST /api/hooks/git answers that webhooks are off.
    git_webhook_secret: SecretStr | None = None
    # Each course's own git hooks (POST /api/courses/{id}/hooks) have secrets derived from this key;
    # unset, from JWT_SECRET. Changing it changes every hook's secret. With neither, hooks are off.
    git_hooks_key: SecretStr | None = None
    # Deliveries one hook may make per minute (a burst of as many); more is a 429 with Retry-After.
    git_hook_deliveries_per_minute: int = Field(default=30, ge=1)

    @model_validator(mode="after")
    def _sealing_key_is_configured(self) -> "GatewaySettings":
        refuse_missing_key("SECRETS_PUBLIC_KEY", self.secrets_public_key, self.environment,
                           DEVELOPMENT_PUBLIC_KEY, check_public_key)
        return self

    @field_validator("git_webhook_secret", mode="after")
    @classmethod
    def _empty_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty variable (compose's `${GIT_WEBHOOK_SECRET:-}`) turns webhooks off; an empty key
        # would let anyone sign a push.
        return value if value is not None and value.get_secret_value().strip() else None

    @model_validator(mode="after")
    def _webhook_secret_is_real(self) -> "GatewaySettings":
        # Whoever knows it can make every course on a repository refresh, and spend on it.
        secret = self.git_webhook_secret
        refuse_placeholder("GIT_WEBHOOK_SECRET", secret and secret.get_secret_value(), self.environment)
        refuse_placeholder("GIT_HOOKS_KEY", self.git_hooks_key and self.git_hooks_key.get_secret_value(),
                           self.environment)
        return self

    def git_hooks_secret(self) -> str | None:
        """What the hooks' secrets are derived from, or None when hooks are off."""
        if self.git_hooks_key is not None and self.git_hooks_key.get_secret_value().strip():
            return self.git_hooks_key.get_secret_value()
        return self.jwt_secret

    def sealer(self) -> Sealer:
        return Sealer(self.secrets_public_key or DEVELOPMENT_PUBLIC_KEY)

    @model_validator(mode="after")
    def _auth_is_configured(self) -> "GatewaySettings":
        refuse_placeholder("JWT_SECRET", self.jwt_secret, self.environment)
        if self.environment == "production" and not (self.jwt_jwks_url or self.jwt_secret):
            raise ValueError("production needs JWT_JWKS_URL (RS256) or a real JWT_SECRET")
        if self.jwt_jwks_url and not (self.jwt_issuer and self.jwt_audience):
            raise ValueError("JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE to check tokens against")
        if not (self.jwt_jwks_url or self.jwt_secret):
            raise ValueError("set JWT_SECRET (development, HS256) or JWT_JWKS_URL (production, RS256)")
        return self
