"""The web UI's ES modules in a real browser tab without starting the system: the tab's requests to
an origin of its own are answered with the files of services/gateway/web (as the gateway serves
them under /ui/), so a test can `await import("/ui/inline.js")` and call a module's functions."""
from __future__ import annotations

import mimetypes
from contextlib import asynccontextmanager
from typing import AsyncIterator

from playwright.async_api import Browser, Page, Route

from services.gateway.api.web import WEB_DIR

ORIGIN = "http://coursegen-ui.test"
BLANK = "<!doctype html><html lang=en><head><meta charset=utf-8><title>modules</title></head><body></body></html>"


async def _answer(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?", 1)[0]
    if path == "/":
        await route.fulfill(status=200, content_type="text/html", body=BLANK)
        return
    file = (WEB_DIR / path.removeprefix("/ui/")).resolve()
    if not path.startswith("/ui/") or WEB_DIR.resolve() not in file.parents or not file.is_file():
        await route.fulfill(status=404, body="not a web module")
        return
    kind = "text/javascript" if file.suffix == ".js" else mimetypes.guess_type(file.name)[0] or "text/plain"
    await route.fulfill(status=200, content_type=kind, body=file.read_bytes())


@asynccontextmanager
async def module_page(browser: Browser) -> AsyncIterator[Page]:
    """A tab on a blank page from which /ui/<module>.js can be imported."""
    context = await browser.new_context()
    try:
        await context.route(f"{ORIGIN}/**", _answer)
        page = await context.new_page()
        await page.goto(ORIGIN + "/")
        yield page
    finally:
        await context.close()
