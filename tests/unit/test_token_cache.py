"""Verified tokens are remembered until they expire (services/gateway/caches/token_cache.py): the real
verifier with real HS256 tokens; only the cache's clock is moved where a test must be past `exp`."""
from __future__ import annotations

import time

import jwt
import pytest

from services.gateway.edge.auth import Principal, TokenVerifier, Unauthorized, development_token
from services.gateway.settings import GatewaySettings
from services.gateway.caches.token_cache import TokenCache
from tests.support.waiting import eventually

SECRET = "token-cache-test-secret-0123456789abcdef0123456789"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def verifier(cache: TokenCache | None = None) -> TokenVerifier:
    return TokenVerifier(GatewaySettings(jwt_secret=SECRET, admin_users=["root"]), cache)


def test_a_verified_token_is_served_from_the_cache_until_its_expiry():
    clock = Clock()
    cache: TokenCache[Principal] = TokenCache(clock=clock)
    check = verifier(cache)
    token = development_token(SECRET, "alice", ttl_seconds=600)
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]

    assert check.cached(token) is None
    assert check.verify(token) == Principal("alice", False)
    assert check.cached(token) == Principal("alice", False)
    clock.now = expires_at - 0.001
    assert check.cached(token) == Principal("alice", False)
    clock.now = expires_at  # PyJWT refuses a token from its `exp` on; so does the cache
    assert check.cached(token) is None
    assert len(cache) == 0


async def test_an_expired_token_is_refused_although_it_was_verified_before():
    check = verifier()
    # "exp" is whole seconds from a truncated now: a 1-second token could expire within
    # milliseconds (it did, once, on a loaded CI machine); 3 leaves at least 2 s to verify it first.
    token = development_token(SECRET, "alice", ttl_seconds=3)
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert check.verify(token).user_id == "alice"
    await eventually(lambda: time.time() >= expires_at, timeout=10, message="the token's expiry passing")
    assert check.cached(token) is None
    with pytest.raises(Unauthorized, match="expired"):
        check.verify(token)


def test_a_different_token_is_never_answered_with_a_cached_identity():
    check = verifier()
    alice = development_token(SECRET, "alice")
    assert check.verify(alice).user_id == "alice"
    assert check.verify(development_token(SECRET, "root")) == Principal("root", True)

    header, claims, _ = alice.split(".")
    forged = development_token("another-secret-0123456789abcdef0123456789abcdef", "alice")
    same_claims_wrong_signature = f"{header}.{claims}.{forged.rsplit('.', 1)[1]}"
    with pytest.raises(Unauthorized, match="not valid"):
        check.verify(same_claims_wrong_signature)
    assert check.cached(alice).user_id == "alice"


@pytest.mark.parametrize("token", [
    "not-a-jwt",
    development_token("another-secret-0123456789abcdef0123456789abcdef", "mallory"),
    development_token(SECRET, "alice", ttl_seconds=-10),
    jwt.encode({"sub": "", "exp": int(time.time()) + 600}, SECRET, algorithm="HS256"),
])
def test_a_refused_token_is_not_cached_and_is_refused_again(token):
    cache: TokenCache[Principal] = TokenCache()
    check = verifier(cache)
    for _ in range(2):
        with pytest.raises(Unauthorized):
            check.verify(token)
        assert check.cached(token) is None
    assert len(cache) == 0


def test_the_cache_keeps_the_most_recently_used_tokens_within_its_bound():
    cache: TokenCache[Principal] = TokenCache(max_entries=2)
    check = verifier(cache)
    first, second, third = (development_token(SECRET, user) for user in ("a", "b", "c"))
    check.verify(first)
    check.verify(second)
    assert check.cached(first).user_id == "a"  # now the most recent: `second` goes next
    check.verify(third)
    assert len(cache) == 2
    assert check.cached(second) is None
    assert check.cached(first).user_id == "a" and check.cached(third).user_id == "c"


def test_a_cache_without_room_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        TokenCache(max_entries=0)
