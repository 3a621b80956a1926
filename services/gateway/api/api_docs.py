"""The interactive API reference (`GET /docs`, Swagger UI) from assets shipped in a pinned package,
never from a CDN: a script fetched from another host would run on the origin that holds the user's
token. It exists outside production only; `/openapi.json` is always served."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path

ASSETS = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8",
          "favicon-32x32.png": "image/png"}
# The page's own inline start-up script is Swagger UI's; everything else comes from this origin.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def api_reference(request: Request) -> HTMLResponse:
    page = get_swagger_ui_html(openapi_url=request.app.openapi_url, title=f"{request.app.title} — API",
                               swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                               swagger_css_url="/docs/assets/swagger-ui.css",
                               swagger_favicon_url="/docs/assets/favicon-32x32.png")
    page.headers["Content-Security-Policy"] = CSP
    return page


@router.get("/docs/assets/{name}")
def asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "no such asset of the API reference")
    return Response((swagger_ui_path / name).read_bytes(), media_type=ASSETS[name],
                    headers={"Cache-Control": "max-age=86400", "X-Content-Type-Options": "nosniff"})
