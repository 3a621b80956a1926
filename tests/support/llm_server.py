"""A local server that speaks the Anthropic Messages API (POST /v1/messages), for tests and
benchmarks: it records every request and answers from a script (tests/support/llm_replies.py).

In a test:   with FakeAnthropicServer(api_key="k") as server: server.push(overloaded(), tool_use({...}))
As a process: python -m tests.support.llm_server --latency-ms 300 --responder package.module:function
(it prints its URL; GET /_stats gives request count and peak concurrency, POST /_script pushes
replies given as JSON objects with Reply's fields)."""
from __future__ import annotations

import argparse
import asyncio
import collections
import importlib
import socket
import threading
import time
from typing import Any, Callable

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.llm_replies import RecordedRequest, Reply, render, render_error, request_problem, text

Responder = Callable[[RecordedRequest], Reply]


def answer_ok(request: RecordedRequest) -> Reply:
    return text("ok")


class FakeAnthropicServer:
    """Runs uvicorn in a background thread (its own event loop), so it serves sync tests, async
    tests and other processes alike. Replies pushed with push() are used first, in order; then
    `default` answers. `latency_seconds` is added to every answer."""

    def __init__(self, *, api_key: str | None = None, latency_seconds: float = 0.0,
                 default: Responder = answer_ok, host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key  # when set, other keys get 401 like the real API
        self.latency_seconds = latency_seconds
        self.default = default
        self._lock = threading.Lock()
        self._script: collections.deque[Reply] = collections.deque()
        self._requests: list[RecordedRequest] = []
        self._cache: set[str] = set()
        self._in_flight = 0
        self.max_concurrent = 0
        self._socket = socket.create_server((host, port))
        self.url = "http://%s:%d" % self._socket.getsockname()[:2]
        self._server = uvicorn.Server(uvicorn.Config(
            self.app(), log_level="warning", access_log=False, lifespan="off",
            timeout_graceful_shutdown=1))
        self._thread: threading.Thread | None = None

    # --- script and observations ----------------------------------------------------------------

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self._cache.clear()
            self.max_concurrent = 0

    def stats(self) -> dict[str, int | float | None]:
        with self._lock:
            return {"requests": len(self._requests), "max_concurrent": self.max_concurrent,
                    "in_flight": self._in_flight, "scripted_left": len(self._script),
                    "first_request_at": min((r.arrived_at for r in self._requests), default=None),
                    "last_request_at": max((r.arrived_at for r in self._requests), default=None)}

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "FakeAnthropicServer":
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="fake-anthropic", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Anthropic server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> "FakeAnthropicServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- HTTP -------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/messages", self._messages, methods=["POST"]),
                                 Route("/_stats", self._stats, methods=["GET"]),
                                 Route("/_script", self._push_json, methods=["POST"])])

    async def _messages(self, request: Request) -> JSONResponse:
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        recorded = RecordedRequest(dict(request.headers), body if isinstance(body, dict) else {},
                                   time.monotonic(), time.time())
        with self._lock:
            self._requests.append(recorded)
            self._in_flight += 1
            self.max_concurrent = max(self.max_concurrent, self._in_flight)
        try:
            return await self._answer(recorded, body)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _answer(self, recorded: RecordedRequest, body: Any) -> JSONResponse:
        if self.api_key is not None and recorded.api_key != self.api_key:
            return JSONResponse(render_error(401, "authentication_error", "invalid x-api-key")[1], 401)
        problem = request_problem(body)
        if problem is not None:
            return JSONResponse(render_error(400, "invalid_request_error", problem)[1], 400)
        reply = self._next_reply(recorded)
        await asyncio.sleep(self.latency_seconds + reply.delay_seconds)
        with self._lock:
            status, payload = render(reply, recorded, self._cache)
        headers = {"request-id": payload.get("request_id") or payload.get("id", ""), **reply.headers}
        return JSONResponse(payload, status, headers=headers)

    def _next_reply(self, recorded: RecordedRequest) -> Reply:
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        return scripted if scripted is not None else self.default(recorded)

    async def _stats(self, request: Request) -> JSONResponse:
        return JSONResponse(self.stats())

    async def _push_json(self, request: Request) -> JSONResponse:
        items = await request.json()
        self.push(*(Reply(**{**item, "content": tuple(item.get("content", ()))}) for item in items))
        return JSONResponse(self.stats())


def _load_responder(spec: str) -> Responder:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--responder", default=None, help="module:function taking a RecordedRequest")
    args = parser.parse_args()
    server = FakeAnthropicServer(api_key=args.api_key, latency_seconds=args.latency_ms / 1000,
                                 port=args.port,
                                 default=_load_responder(args.responder) if args.responder else answer_ok)
    print(server.url, flush=True)
    server._server.run(sockets=[server._socket])


if __name__ == "__main__":
    main()
