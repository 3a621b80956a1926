"""Bearer JWT: HS256 with a local secret in development, RS256 from a JWKS URL in production."""
from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from ..settings import GatewaySettings
from ..caches.token_cache import TokenCache


class Unauthorized(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    user_id: str
    is_admin: bool


class TokenVerifier:
    """Checks a bearer token once; while it has not expired, the same token is answered from memory
    (there is no revocation list: a token is valid until its `exp`, cached or not)."""

    def __init__(self, settings: GatewaySettings, cache: TokenCache[Principal] | None = None) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True) if settings.jwt_jwks_url else None
        self._verified: TokenCache[Principal] = cache if cache is not None else TokenCache()

    @property
    def may_block(self) -> bool:
        """Whether verifying can wait on the network (fetching the identity provider's keys)."""
        return self._jwks is not None

    def cached(self, token: str) -> Principal | None:
        """The principal of a token verified before and not yet expired: no signature check, no network."""
        return self._verified.get(token)

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            return known
        try:
            claims = self._decode(token)
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired") from exc
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            raise Unauthorized(f"the token is not valid: {exc}") from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject or len(subject) > 256:
            raise Unauthorized("the token has no usable 'sub' claim")
        principal = Principal(subject, subject in self._settings.admin_users)
        self._verified.put(token, principal, float(claims["exp"]))  # `exp` is required, so present
        return principal

    def _decode(self, token: str) -> dict:
        s = self._settings
        options = {"require": ["sub", "exp"]}
        if self._jwks is not None:
            key = self._jwks.get_signing_key_from_jwt(token).key
            return jwt.decode(token, key, algorithms=["RS256"], audience=s.jwt_audience,
                              issuer=s.jwt_issuer, options=options)
        return jwt.decode(token, s.jwt_secret, algorithms=["HS256"], audience=s.jwt_audience,
                          issuer=s.jwt_issuer, options=options)


def development_token(secret: str, user_id: str, ttl_seconds: int = 7 * 24 * 3600,
                      issuer: str | None = None, audience: str | None = None) -> str:
    now = int(time.time())
    claims = {"sub": user_id, "iat": now, "exp": now + ttl_seconds}
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm="HS256")
