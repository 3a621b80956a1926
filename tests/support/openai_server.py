"""A local server that speaks the OpenAI Chat Completions API (POST /v1/chat/completions), for tests
and benchmarks: it records every request and answers from a script (tests/support/openai_replies.py).
The threading, script and observations are the Messages API server's (tests/support/llm_server.py).

In a test:   with FakeOpenAIServer(api_key="k") as server: server.push(rate_limited(), answer({...}))
`refuses` names request features the server answers 400 to, like servers that do not know them:
"response_format" and/or "tools"."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Iterable

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.llm_replies import RecordedRequest
from tests.support.llm_server import FakeAnthropicServer
from tests.support.openai_replies import Reply, answer, render, render_error, request_problem

Responder = Callable[[RecordedRequest], Reply]


def answer_hello(request: RecordedRequest) -> Reply:
    return answer("Hello! How can I help you today?")


class FakeOpenAIServer(FakeAnthropicServer):
    def __init__(self, *, api_key: str | None = None, latency_seconds: float = 0.0,
                 default: Responder = answer_hello, refuses: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(api_key=api_key, latency_seconds=latency_seconds, default=default, **kwargs)
        self.refuses = frozenset(refuses)

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self._messages, methods=["POST"]),
                                 Route("/_stats", self._stats, methods=["GET"])])

    async def _answer(self, recorded: RecordedRequest, body: Any) -> JSONResponse:
        if self.api_key is not None and recorded.api_key != self.api_key:
            return JSONResponse(render_error(401, "invalid_request_error", "Incorrect API key provided.")[1], 401)
        problem = request_problem(body)
        refused = sorted(name for name in self.refuses if name in body) if problem is None else []
        if problem is None and refused:
            problem = f"Unrecognized request argument supplied: {refused[0]}"
        if problem is not None:
            return JSONResponse(render_error(400, "invalid_request_error", problem)[1], 400)
        reply = self._next_reply(recorded)
        await asyncio.sleep(self.latency_seconds + reply.delay_seconds)
        status, payload = render(reply, recorded)
        return JSONResponse(payload, status, headers={"x-request-id": payload.get("id", "req"), **reply.headers})
