"""GIT_WEBHOOK_SECRET: unset or empty turns webhooks off; outside development it must be a real
secret, since whoever knows it can make every course on a repository refresh."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.gateway.settings import GatewaySettings

JWT = "k9Qm2xv7Lr4tB8nZp1Wc6Hy3Js5Fd0Ge"
REAL = "Vb7rT2mQ9xLp4Kw8Zn1Hc6Js3Fd5Ga0Ye"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("ENVIRONMENT", "JWT_SECRET", "JWT_JWKS_URL", "GIT_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)


def test_webhooks_are_off_by_default():
    assert GatewaySettings(environment="test", jwt_secret=JWT).git_webhook_secret is None


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_secret_turns_webhooks_off(monkeypatch, empty):
    monkeypatch.setenv("GIT_WEBHOOK_SECRET", empty)
    assert GatewaySettings(environment="test", jwt_secret=JWT).git_webhook_secret is None


def test_the_secret_is_read_from_the_environment_and_never_shown(monkeypatch):
    monkeypatch.setenv("GIT_WEBHOOK_SECRET", REAL)
    settings = GatewaySettings(environment="test", jwt_secret=JWT)
    assert settings.git_webhook_secret.get_secret_value() == REAL
    assert REAL not in repr(settings) and REAL not in str(settings.model_dump())


@pytest.mark.parametrize("secret", ["changeme", "secret", "short-webhook-secret"])
def test_outside_development_a_placeholder_or_short_secret_is_refused(secret):
    with pytest.raises(ValidationError, match="GIT_WEBHOOK_SECRET is a placeholder"):
        GatewaySettings(environment="test", jwt_secret=JWT, git_webhook_secret=secret)
    assert GatewaySettings(environment="development", jwt_secret=JWT, git_webhook_secret=secret).git_webhook_secret
