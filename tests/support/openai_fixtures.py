"""Pytest helpers for code that calls an OpenAI-compatible API: a local Chat Completions server and
settings that point the provider at it. Import the fixtures into a test module:

    from tests.support.openai_fixtures import OPENAI_TEST_KEY, openai_provider, openai_server  # noqa: F401

    async with openai_provider(openai_server, openai_structured_output="json") as provider: ...
"""
from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, Iterator

import pytest

from shared.llm.openai_provider import OpenAIProvider
from shared.llm.settings import LLMSettings
from tests.support.openai_server import FakeOpenAIServer

# Looks like a real key so a leak would be recognisable, but is not one.
OPENAI_TEST_KEY = "sk-proj-test-key-that-must-never-leak-0123456789abcdef"


def openai_settings(server: Any, **overrides: Any) -> LLMSettings:
    """Settings of the openai provider against `server` (anything with a `.base_url`); quick
    retries and the tools mode unless overridden."""
    values: dict[str, Any] = dict(
        llm_provider="openai", openai_api_key=OPENAI_TEST_KEY, openai_base_url=server.base_url,
        openai_model="local-test-model", openai_structured_output="tools", llm_max_concurrency=4,
        llm_timeout_seconds=5.0, llm_max_retries=3, llm_retry_base_seconds=0.01, llm_retry_max_seconds=0.05)
    values.update(overrides)
    return LLMSettings(**values)


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    """A fresh server per test (it starts in milliseconds), requiring OPENAI_TEST_KEY."""
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY) as server:
        yield server


@contextlib.asynccontextmanager
async def openai_provider(server: Any, delays: list[float] | None = None,
                          **overrides: Any) -> AsyncIterator[OpenAIProvider]:
    """The provider against `server`, closed afterwards. Given a `delays` list, backoff sleeps
    are appended to it instead of slept."""
    async def record(seconds: float) -> None:
        delays.append(seconds)

    provider = OpenAIProvider(openai_settings(server, **overrides),
                              **({"sleep": record} if delays is not None else {}))
    try:
        yield provider
    finally:
        await provider.aclose()
