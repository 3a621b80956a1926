"""Gateway settings refuse configurations that would be unsafe or cannot work."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.gateway.settings import GatewaySettings
from shared.sealing import new_private_key, public_key_of

REAL_SECRET = "k9Qm2xv7Lr4tB8nZp1Wc6Hy3Js5Fd0Ge"  # 32 characters, not a placeholder
JWKS = "https://issuer.example/.well-known/jwks.json"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Settings read the environment: start every test from none of ours."""
    for name in ("ENVIRONMENT", "NATS_URL", "JWT_SECRET", "JWT_JWKS_URL", "JWT_ISSUER",
                 "JWT_AUDIENCE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    # A real sealing key, so the production cases here are about tokens (tests/unit/test_sealing.py
    # covers a missing or development one).
    monkeypatch.setenv("SECRETS_PUBLIC_KEY", public_key_of(new_private_key()))


@pytest.mark.parametrize("secret", ["changeme", "secret", "dev", "  Password ", "short-but-not-listed"])
def test_production_refuses_a_placeholder_or_short_jwt_secret(secret):
    with pytest.raises(ValidationError, match="JWT_SECRET is a placeholder"):
        GatewaySettings(environment="production", jwt_secret=secret)


def test_production_accepts_a_real_secret():
    assert GatewaySettings(environment="production", jwt_secret=REAL_SECRET).jwt_secret == REAL_SECRET


def test_production_refuses_a_placeholder_from_the_environment(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", "changeme")
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        GatewaySettings()


def test_production_needs_some_way_to_check_tokens():
    with pytest.raises(ValidationError, match="JWT_JWKS_URL"):
        GatewaySettings(environment="production")


@pytest.mark.parametrize("missing", ["jwt_issuer", "jwt_audience"])
def test_jwks_url_needs_issuer_and_audience(missing):
    fields = {"jwt_jwks_url": JWKS, "jwt_issuer": "https://issuer.example/", "jwt_audience": "coursegen"}
    del fields[missing]
    with pytest.raises(ValidationError, match="JWT_ISSUER and JWT_AUDIENCE"):
        GatewaySettings(environment="production", **fields)


def test_jwks_url_with_issuer_and_audience_is_enough_for_production():
    settings = GatewaySettings(environment="production", jwt_jwks_url=JWKS,
                               jwt_issuer="https://issuer.example/", jwt_audience="coursegen")
    assert settings.jwt_secret is None and not settings.is_development


def test_development_accepts_a_dev_secret():
    settings = GatewaySettings(environment="development", jwt_secret="dev")
    assert settings.jwt_secret == "dev" and settings.is_development


def test_no_secret_and_no_jwks_is_refused_even_in_development():
    with pytest.raises(ValidationError, match="set JWT_SECRET"):
        GatewaySettings(environment="development")


@pytest.mark.parametrize("url", ["http://127.0.0.1:4222", "127.0.0.1:4222", "localhost", ""])
def test_nats_url_with_a_wrong_scheme_is_refused(url):
    with pytest.raises(ValidationError, match="NATS_URL must start with nats://"):
        GatewaySettings(jwt_secret="dev", nats_url=url)


def test_nats_url_from_the_environment_is_checked(monkeypatch):
    monkeypatch.setenv("NATS_URL", "https://nats.example:4222")
    with pytest.raises(ValidationError, match="NATS_URL"):
        GatewaySettings(jwt_secret="dev")


@pytest.mark.parametrize("url", ["nats://n1:4222", "tls://n1:4222", "ws://n1:80", "wss://n1:443"])
def test_nats_url_schemes_that_work_are_accepted(url):
    assert GatewaySettings(jwt_secret="dev", nats_url=url).nats_url == url
