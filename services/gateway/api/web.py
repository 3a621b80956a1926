"""The browser interface: static files from services/gateway/web/, served by the gateway itself
(no build step, nothing from other hosts), and the sign-in helpers it needs.

`GET /` is the page, `GET /ui/{path}` its modules and style sheet. Every answer carries a strict
Content-Security-Policy, so no script from a repository's document can run even if it reached the
page. `GET /api/auth/config` tells the page how to sign in; `POST /api/auth/dev-token` hands out a
development token, and exists only outside production."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from shared.course_labels import table_for_web

from ..edge.auth import development_token
from ..settings import GatewaySettings
from .deps import ContainerDep

WEB_DIR = (Path(__file__).resolve().parent.parent / "web").resolve()
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
NOT_FOUND = "no such file of the web interface"
USER_ID = r"^[A-Za-z0-9._@-]{1,128}$"

router = APIRouter()


def _file(relative: str) -> Response:
    """The file at `relative` inside WEB_DIR, or 404: never anything outside it."""
    if "\x00" in relative or "\\" in relative:
        raise HTTPException(404, NOT_FOUND)
    try:
        path = (WEB_DIR / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        raise HTTPException(404, NOT_FOUND) from None
    if not path.is_relative_to(WEB_DIR) or not path.is_file():
        raise HTTPException(404, NOT_FOUND)
    media_type = CONTENT_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise HTTPException(404, NOT_FOUND)
    return Response(path.read_bytes(), media_type=media_type, headers=SECURITY_HEADERS)


@router.get("/", include_in_schema=False)
def index() -> Response:
    return _file("index.html")


@router.get("/ui/{path:path}", include_in_schema=False)
def asset(path: str) -> Response:
    return _file(path)


# --- sign-in --------------------------------------------------------------------------------

class DevTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    user_id: str = Field(pattern=USER_ID, description="1-128 letters, digits, '.', '_', '@' or '-'")


class AuthConfig(BaseModel):
    development_sign_in: bool
    issuer: str | None


def development_sign_in(settings: GatewaySettings) -> bool:
    """Development tokens are HS256 with the local secret: usable only outside production and
    when the gateway checks HS256 tokens (not when it is configured for an identity provider)."""
    return settings.environment != "production" and bool(settings.jwt_secret) and not settings.jwt_jwks_url


def _development_only(request: Request) -> None:
    # A dependency, so that production answers 404 before the body is even validated.
    if not development_sign_in(request.app.state.container.settings):
        raise HTTPException(404, "development sign-in is not available on this gateway: sign in "
                                 "with a token from the configured identity provider")


@router.get("/api/labels", tags=["courses"])
def course_labels() -> dict:
    """The words the reader says around a course's content, in every language a course's labels
    are translated to: the table the exports use (shared/course_labels.py)."""
    return table_for_web()


@router.get("/api/auth/config", response_model=AuthConfig, tags=["auth"])
async def auth_config(c: ContainerDep) -> AuthConfig:
    """How the web interface signs in: development tokens, or a token from the identity provider."""
    return AuthConfig(development_sign_in=development_sign_in(c.settings), issuer=c.settings.jwt_issuer)


@router.post("/api/auth/dev-token", tags=["auth"], dependencies=[Depends(_development_only)])
async def dev_token(body: DevTokenRequest, c: ContainerDep) -> dict[str, str]:
    """A development token for any user id but an admin's (not in production, where it answers 404)."""
    s = c.settings
    if body.user_id in s.admin_users:
        # Development sign-in proves nothing about who asks: it never hands out an admin's powers.
        raise HTTPException(403, f"no development token for {body.user_id!r}: it is an admin id (ADMIN_USERS); "
                                 "an admin signs in with a token from the identity provider or the CLI")
    return {"token": development_token(s.jwt_secret, body.user_id, issuer=s.jwt_issuer,
                                       audience=s.jwt_audience),
            "user_id": body.user_id}

