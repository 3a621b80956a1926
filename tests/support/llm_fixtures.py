"""Pytest helpers for code that calls the Anthropic API: a local Messages API server and settings
that point the provider at it. Import the fixtures into a test module:

    from tests.support.llm_fixtures import TEST_API_KEY, anthropic_provider, llm_server  # noqa: F401

    async with anthropic_provider(llm_server, llm_max_retries=1) as provider: ...
"""
from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, Iterator

import pytest

from shared.llm.anthropic_provider import AnthropicProvider
from shared.llm.settings import LLMSettings
from tests.support.llm_server import FakeAnthropicServer

# Looks like a real key so a leak would be recognisable, but is not one.
TEST_API_KEY = "sk-ant-api03-test-key-that-must-never-leak-0123456789"


def anthropic_settings(server: Any, **overrides: Any) -> LLMSettings:
    """Settings of the anthropic provider against `server` (anything with a `.url`); quick retries unless overridden."""
    values: dict[str, Any] = dict(
        llm_provider="anthropic", anthropic_api_key=TEST_API_KEY, anthropic_base_url=server.url,
        anthropic_model="claude-test-model", llm_max_concurrency=4, llm_timeout_seconds=5.0,
        llm_max_retries=3, llm_retry_base_seconds=0.01, llm_retry_max_seconds=0.05)
    values.update(overrides)
    return LLMSettings(**values)


@pytest.fixture
def llm_server() -> Iterator[FakeAnthropicServer]:
    """A fresh server per test (it starts in milliseconds), requiring TEST_API_KEY."""
    with FakeAnthropicServer(api_key=TEST_API_KEY) as server:
        yield server


@contextlib.asynccontextmanager
async def anthropic_provider(server: Any, delays: list[float] | None = None,
                             **overrides: Any) -> AsyncIterator[AnthropicProvider]:
    """The provider against `server`, closed afterwards. Given a `delays` list, backoff sleeps
    are appended to it instead of slept."""
    async def record(seconds: float) -> None:
        delays.append(seconds)

    provider = AnthropicProvider(anthropic_settings(server, **overrides),
                                 **({"sleep": record} if delays is not None else {}))
    try:
        yield provider
    finally:
        await provider.aclose()
