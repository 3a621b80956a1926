"""Bearer JWT: HS256 with a local secret in development, RS256 from a JWKS URL in production."""
from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from .settings import GatewaySettings


class Unauthorized(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    user_id: str
    is_admin: bool


class TokenVerifier:
    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True) if settings.jwt_jwks_url else None

    @property
    def may_block(self) -> bool:
        """Whether verifying can wait on the network (fetching the identity provider's keys)."""
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        try:
            claims = self._decode(token)
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired") from exc
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            raise Unauthorized(f"the token is not valid: {exc}") from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject or len(subject) > 256:
            raise Unauthorized("the token has no usable 'sub' claim")
        return Principal(subject, subject in self._settings.admin_users)

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
