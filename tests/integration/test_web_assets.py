"""The web interface as the gateway serves it, without a browser: the page and every module it
imports answer with the right type and a strict Content-Security-Policy, nothing outside the web
folder can be read, no asset loads anything from another host or parses HTML from strings, and
development sign-in hands out tokens only outside production."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from services.gateway.api.web import CSP, WEB_DIR
from tests.support.gateway import running_gateway

TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
ASSET_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["'](/ui/[^"']+)["']""")
IMPORT = re.compile(r"""(?:\bimport\b[^"';]*?\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")
URL = re.compile(r"""https?://[^\s"'`)<>]+""", re.IGNORECASE)
UNSAFE_DOM = re.compile(r"\b(?:innerHTML|outerHTML|insertAdjacentHTML|document\.write|new\s+Function)\b|\beval\s*\(")


def _check_headers(response, suffix: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0].strip() == TYPES[suffix]
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"


async def _crawl(gateway) -> dict[str, str]:
    """Every /ui/ path reachable from the page: its references, then the modules' imports."""
    index = await gateway.get("/")
    _check_headers(index, ".html")
    pending = ASSET_REFERENCE.findall(index.text)
    assert "/ui/app.js" in pending and "/ui/style.css" in pending
    seen: dict[str, str] = {}
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        response = await gateway.get(path)
        _check_headers(response, Path(path).suffix)
        seen[path] = response.text
        if path.endswith(".js"):
            base = posixpath.dirname(path)
            pending += [posixpath.normpath(posixpath.join(base, target)) for target in IMPORT.findall(response.text)]
    return seen


async def _raw_status(app, path: str) -> int:
    """GET `path` exactly as given: an HTTP client would remove the dot segments first."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"gateway")], "client": ("127.0.0.1", 1),
             "server": ("gateway", 80)}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return next(m for m in sent if m["type"] == "http.response.start")["status"]


async def test_the_page_is_served_at_the_root_with_a_strict_policy(gateway):
    response = await gateway.get("/")
    _check_headers(response, ".html")
    assert '<script type="module" src="/ui/app.js"></script>' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "<script>" not in response.text  # no inline script: the policy would block it anyway


async def test_every_referenced_asset_and_imported_module_is_served(gateway):
    seen = await _crawl(gateway)
    on_disk = {"/ui/" + p.relative_to(WEB_DIR).as_posix() for p in WEB_DIR.rglob("*") if p.is_file()}
    served = set(seen) | {"/ui/index.html"}
    assert served == on_disk, f"not reachable from the page: {on_disk - served}; missing: {served - on_disk}"
    assert any(path.startswith("/ui/views/") for path in seen)  # imports were followed into folders


async def test_nothing_outside_the_web_folder_is_served(gateway):
    for path in ("/ui/../settings.py", "/ui/../app.py", "/ui/views/../../auth.py", "/ui/../../gateway/app.py",
                 "/ui//etc/passwd", "/ui/../web/index.html/../../settings.py"):
        assert await _raw_status(gateway.app, path) == 404, path
    for path in ("/ui/../settings.py", "/ui/%2e%2e/settings.py", "/ui/..%2fsettings.py", "/ui/%2e%2e%2fapp.py",
                 "/ui/views/%2e%2e/%2e%2e/auth.py", "/ui/%2fetc%2fpasswd", "/ui/..%5csettings.py",
                 "/ui/", "/ui/views", "/ui/missing.js", "/ui/app.js%00.html"):
        response = await gateway.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert "import" not in response.text and "GatewaySettings" not in response.text


async def test_no_asset_reaches_another_host_or_parses_html_from_strings(gateway):
    for path, text in (await _crawl(gateway)).items():
        assert not URL.findall(text), f"{path} names another host: {URL.findall(text)}"
        assert not re.search(r"""(?:src|href|url)\s*[=(]\s*["']?//""", text), f"{path} has a protocol-relative URL"
        if path.endswith(".js"):
            assert not UNSAFE_DOM.findall(text), f"{path} uses {UNSAFE_DOM.findall(text)}"
    assert not URL.findall((WEB_DIR / "index.html").read_text())


async def test_development_sign_in_gives_a_token_that_works_on_the_api(gateway):
    config = await gateway.get("/api/auth/config")
    assert config.status_code == 200
    assert config.json() == {"development_sign_in": True, "issuer": None}

    issued = await gateway.post("/api/auth/dev-token", json={"user_id": "bob.smith@example-1"})
    assert issued.status_code == 200, issued.text
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    assert (await gateway.get("/api/projects/", headers=headers)).json() == []
    created = await gateway.post("/api/projects/", json={"title": "Bob's course"}, headers=headers)
    assert created.status_code == 201 and created.json()["user_id"] == "bob.smith@example-1"
    listed = await gateway.get("/api/projects/", headers=headers)
    assert [c["title"] for c in listed.json()] == ["Bob's course"]


@pytest.mark.parametrize("body", [
    {"user_id": ""}, {"user_id": "a b"}, {"user_id": "x" * 129}, {"user_id": "<script>"},
    {"user_id": "zoë"}, {"user_id": "a/b"}, {"user_id": 42}, {}, {"user_id": "ok", "admin": True},
])
async def test_dev_token_refuses_an_invalid_user_id(gateway, body):
    response = await gateway.post("/api/auth/dev-token", json=body)
    assert response.status_code == 422, response.text
    assert "user_id" in response.text or "admin" in response.text


async def test_dev_token_does_not_exist_in_production(settings):
    production = settings.model_copy(update={"environment": "production"})
    async with running_gateway(production) as gateway:
        config = (await gateway.get("/api/auth/config")).json()
        assert config == {"development_sign_in": False, "issuer": None}
        for body in ({"user_id": "alice"}, {"user_id": "not valid!"}, {}):
            response = await gateway.post("/api/auth/dev-token", json=body)
            assert response.status_code == 404, response.text
        assert (await gateway.get("/")).status_code == 200  # the page itself is served everywhere


async def test_no_dev_token_when_the_gateway_checks_identity_provider_tokens(settings):
    with_idp = settings.model_copy(update={"jwt_jwks_url": "https://idp.invalid/.well-known/jwks.json",
                                           "jwt_issuer": "https://idp.invalid/", "jwt_audience": "coursegen"})
    async with running_gateway(with_idp) as gateway:
        config = (await gateway.get("/api/auth/config")).json()
        assert config == {"development_sign_in": False, "issuer": "https://idp.invalid/"}
        assert (await gateway.post("/api/auth/dev-token", json={"user_id": "alice"})).status_code == 404



async def test_no_development_token_for_an_admin_id(settings):
    with_admin = settings.model_copy(update={"admin_users": ["root"]})
    async with running_gateway(with_admin) as gateway:
        refused = await gateway.post("/api/auth/dev-token", json={"user_id": "root"})
        assert refused.status_code == 403 and "admin" in refused.json()["detail"], refused.text
        assert (await gateway.post("/api/auth/dev-token", json={"user_id": "alice"})).status_code == 200


async def test_in_development_only_the_local_names_reach_the_gateway(settings):
    # DNS rebinding: a page at attacker.example resolved to 127.0.0.1 sends Host: attacker.example.
    development = settings.model_copy(update={"environment": "development"})
    async with running_gateway(development) as gateway:
        for host in ("127.0.0.1:8000", "localhost"):
            answered = await gateway.get("/api/auth/config", headers={"host": host})
            assert answered.status_code == 200, (host, answered.text)
        for host in ("attacker.example", "attacker.example:8000", "127.0.0.1.attacker.example"):
            refused = await gateway.post("/api/auth/dev-token", json={"user_id": "alice"}, headers={"host": host})
            assert refused.status_code == 400, (host, refused.text)


async def test_the_api_reference_loads_nothing_from_another_host_and_is_off_in_production(gateway, settings):
    page = await gateway.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assert not URL.findall(page.text), URL.findall(page.text)
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert (await gateway.get(asset)).status_code == 200, asset
    assert (await gateway.get("/docs/assets/../../settings.py")).status_code == 404
    assert (await gateway.get("/redoc")).status_code == 404
    production = settings.model_copy(update={"environment": "production"})
    async with running_gateway(production) as in_production:
        assert (await in_production.get("/docs")).status_code == 404
        assert (await in_production.get("/openapi.json")).status_code == 200
