"""Sealed secrets (shared/sealing.py) and the settings that hold their keys: only the private key
opens what the public key sealed, an entry opens only under the key it was stored at, a rotation
keeps the previous key for opening, and production refuses a missing or shared development key
without echoing what it was given."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.gateway.settings import GatewaySettings
from services.repo_clone.settings import RepoCloneSettings
from shared.sealing import (
    DEVELOPMENT_PRIVATE_KEY, DEVELOPMENT_PUBLIC_KEY, InvalidKey, Opener, Sealer, SecretUnreadable,
    new_private_key, public_key_of,
)

TOKEN = "ghp_0123456789abcdefSECRET"
JWT = "a-jwt-secret-long-enough-for-production-use-0123456789"


def test_only_the_private_key_opens_what_its_public_key_sealed():
    private = new_private_key()
    sealed = Sealer(public_key_of(private)).seal(TOKEN, bound_to="course-1.k")
    assert TOKEN.encode() not in sealed
    assert Opener([private]).open(sealed, bound_to="course-1.k") == TOKEN
    with pytest.raises(SecretUnreadable, match="SECRETS_KEY"):
        Opener([new_private_key()]).open(sealed, bound_to="course-1.k")


def test_an_entry_moved_to_another_key_does_not_open():
    private = new_private_key()
    sealed = Sealer(public_key_of(private)).seal(TOKEN, bound_to="course-a.k1")
    with pytest.raises(SecretUnreadable):
        Opener([private]).open(sealed, bound_to="course-b.k1")


def test_a_tampered_or_clear_entry_does_not_open():
    private = new_private_key()
    sealed = bytearray(Sealer(public_key_of(private)).seal(TOKEN, bound_to="c.k"))
    sealed[-1] ^= 1
    with pytest.raises(SecretUnreadable):
        Opener([private]).open(bytes(sealed), bound_to="c.k")
    with pytest.raises(SecretUnreadable, match="not in a known sealed format"):
        Opener([private]).open(TOKEN.encode(), bound_to="c.k")


def test_each_seal_differs_so_equal_tokens_are_not_recognisable():
    sealer = Sealer(DEVELOPMENT_PUBLIC_KEY)
    assert sealer.seal(TOKEN, bound_to="c.k") != sealer.seal(TOKEN, bound_to="c.k")


def test_rotation_opens_with_the_previous_key_while_sealing_to_the_new_one():
    old, new = new_private_key(), new_private_key()
    sealed_before = Sealer(public_key_of(old)).seal(TOKEN, bound_to="c.k")
    settings = RepoCloneSettings(secrets_key=new, secrets_key_previous=old)
    assert settings.opener().open(sealed_before, bound_to="c.k") == TOKEN
    sealed_after = Sealer(public_key_of(new)).seal(TOKEN, bound_to="c.k")
    assert settings.opener().open(sealed_after, bound_to="c.k") == TOKEN
    assert RepoCloneSettings(secrets_key=new).opener().open(sealed_after, bound_to="c.k") == TOKEN
    with pytest.raises(SecretUnreadable):
        RepoCloneSettings(secrets_key=new).opener().open(sealed_before, bound_to="c.k")


def test_development_needs_no_key_and_both_sides_agree():
    gateway = GatewaySettings(jwt_secret=JWT)
    clone = RepoCloneSettings()
    assert clone.opener().open(gateway.sealer().seal(TOKEN, bound_to="c.k"), bound_to="c.k") == TOKEN


@pytest.mark.parametrize("make", [
    lambda **kw: RepoCloneSettings(environment="production", **kw),
    lambda **kw: GatewaySettings(environment="production", jwt_secret=JWT, **kw),
])
def test_production_refuses_a_missing_key(make):
    with pytest.raises(ValidationError, match="required in production"):
        make()


def test_production_refuses_the_development_keys():
    with pytest.raises(ValidationError, match="development key"):
        RepoCloneSettings(environment="production", secrets_key=DEVELOPMENT_PRIVATE_KEY)
    with pytest.raises(ValidationError, match="development key"):
        GatewaySettings(environment="production", jwt_secret=JWT, secrets_public_key=DEVELOPMENT_PUBLIC_KEY)


def test_production_takes_a_real_key_pair():
    private = new_private_key()
    clone = RepoCloneSettings(environment="production", secrets_key=private)
    gateway = GatewaySettings(environment="production", jwt_secret=JWT, secrets_public_key=public_key_of(private))
    assert clone.opener().open(gateway.sealer().seal(TOKEN, bound_to="c.k"), bound_to="c.k") == TOKEN


def test_a_malformed_key_is_named_and_never_echoed():
    bad = "not-a-key-but-maybe-a-real-secret-value"
    with pytest.raises(ValidationError) as refused:
        RepoCloneSettings(secrets_key=bad)
    assert "SECRETS_KEY must be 32 bytes" in str(refused.value)
    assert bad not in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        RepoCloneSettings(secrets_key_previous=bad)
    assert "SECRETS_KEY_PREVIOUS" in str(refused.value) and bad not in str(refused.value)
    with pytest.raises(InvalidKey):
        Sealer("short")
