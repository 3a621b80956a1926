"""A minimal HTTP/1.1 server on the service's own event loop for GET /metrics and GET /health:
no framework, one request per connection. Being on the loop, a scrape can await fresh data."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Awaitable, Callable

log = logging.getLogger(__name__)
# path -> coroutine giving (status, content type, body)
Route = Callable[[], Awaitable[tuple[int, str, bytes]]]
REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error",
           503: "Service Unavailable"}


def json_body(status: int, value: dict) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(value).encode()


class OpsServer:
    def __init__(self, routes: dict[str, Route], host: str, port: int) -> None:
        self._routes, self._host, self._port = routes, host, port
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, self._host, self._port)
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, kind, body = await self._answer(reader)
            head = (f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\nContent-Type: {kind}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
            writer.write(head.encode() + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
            pass
        finally:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, str, bytes]:
        request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        method, target = (request.split(b"\r\n", 1)[0].decode("latin-1").split(" ") + ["", ""])[:2]
        route = self._routes.get(target.split("?", 1)[0])
        if route is None:
            return json_body(404, {"detail": "not found; try /metrics or /health"})
        if method != "GET":
            return json_body(405, {"detail": "only GET"})
        try:
            return await route()
        except Exception as exc:  # a scrape must not take the service down
            log.exception("serving %s failed", target)
            return json_body(500, {"detail": exc.__class__.__name__})
