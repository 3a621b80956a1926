"""A real language model for the tests, with no network: SmolLM2-135M-Instruct served over an
OpenAI-compatible API on this machine (ops/local/llama_server.py: cyllama's server, fixed; the
benchmarks start it the same way). Between the services and it, a recording proxy keeps every
request and the server's own token count of its answer, so a test can check what was sent.

    from tests.support.real_model import real_model  # noqa: F401   (a session fixture: the server's /v1 URL)
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Iterator

import httpx
import pytest
from starlette.responses import JSONResponse

from ops.local.llama_server import CONTEXT_TOKENS, LlamaServer
from tests.support.llm_replies import RecordedRequest
from tests.support.openai_server import FakeOpenAIServer


@dataclass(frozen=True)
class RunningModel:
    base_url: str  # …/v1, for OPENAI_BASE_URL
    context_tokens: int


@pytest.fixture(scope="session")
def real_model() -> Iterator[RunningModel]:
    """The model server (one slot) on a free port, up once it says it serves."""
    with LlamaServer(context_tokens=CONTEXT_TOKENS) as server:
        yield RunningModel(server.base_url, CONTEXT_TOKENS)


@dataclass(frozen=True)
class Exchange:
    request: dict[str, Any]
    status: int
    answer: dict[str, Any]

    @property
    def prompt_tokens(self) -> int:
        return (self.answer.get("usage") or {}).get("prompt_tokens", 0)

    @property
    def completion_tokens(self) -> int:
        return (self.answer.get("usage") or {}).get("completion_tokens", 0)

    @property
    def output_limit(self) -> int:
        return self.request.get("max_tokens") or self.request.get("max_completion_tokens") or 0


class RecordingProxy(FakeOpenAIServer):
    """Forwards every chat completion to `upstream` (a …/v1 URL) and keeps the exchange."""

    def __init__(self, upstream: str, timeout_seconds: float = 600.0) -> None:
        super().__init__()
        self.upstream = upstream.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self._exchanges: list[Exchange] = []
        self._exchanges_lock = threading.Lock()

    @property
    def exchanges(self) -> list[Exchange]:
        with self._exchanges_lock:
            return list(self._exchanges)

    async def _answer(self, recorded: RecordedRequest, body: Any) -> JSONResponse:
        async with httpx.AsyncClient(timeout=self.timeout_seconds) as client:
            response = await client.post(f"{self.upstream}/chat/completions", json=body)
        try:
            answer = response.json()
        except json.JSONDecodeError:
            answer = {"error": {"message": response.text[:500]}}
        with self._exchanges_lock:
            self._exchanges.append(Exchange(body if isinstance(body, dict) else {}, response.status_code, answer))
        return JSONResponse(answer, response.status_code)
