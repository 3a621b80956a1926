"""The OpenAI-compatible provider's failures through the real SDK against the local Chat Completions
server: retries honouring retry-after, timeouts, connection errors, refusals that never show the
key, the cap on requests in flight."""
from __future__ import annotations

import asyncio
import logging
import socket
from types import SimpleNamespace

import pytest
from pydantic import BaseModel, Field

from shared.llm.provider import Prompt, ProviderError
from tests.support.openai_fixtures import OPENAI_TEST_KEY, openai_provider, openai_server  # noqa: F401
from tests.support.openai_replies import answer, delayed, error, rate_limited, server_error, tool_call
from tests.support.openai_server import FakeOpenAIServer


class Summary(BaseModel):
    text: str = Field(min_length=1)


VALID = {"text": "Branches are cheap."}
PROMPT = Prompt(task="summarise", system="You summarise Git documentation.", user="Summarise branches.")


async def test_429_is_retried_after_the_retry_after_delay(openai_server):
    openai_server.push(rate_limited(retry_after=1), tool_call(VALID))
    async with openai_provider(openai_server, llm_retry_max_seconds=5) as provider:
        completion = await provider.complete(PROMPT, Summary)
    first, second = openai_server.requests
    assert second.received_at - first.received_at >= 1.0
    assert completion.usage.calls == 2


async def test_retry_after_is_capped_by_the_configured_maximum(openai_server):
    delays: list[float] = []
    openai_server.push(rate_limited(retry_after=3600), tool_call(VALID))
    async with openai_provider(openai_server, delays, llm_retry_max_seconds=0.05) as provider:
        await provider.complete(PROMPT, Summary)
    assert delays == [0.05]


async def test_5xx_until_the_retries_run_out(openai_server):
    delays: list[float] = []
    openai_server.push(server_error(503), *[server_error()] * 3)
    async with openai_provider(openai_server, delays, llm_max_retries=3) as provider:
        with pytest.raises(ProviderError, match="failed 4 times, the last with 500 server_error") as caught:
            await provider.complete(PROMPT, Summary)
    assert "try again later" in str(caught.value)
    assert len(openai_server.requests) == 4 and len(delays) == 3
    assert caught.value.usage.calls == 4


async def test_a_timeout_is_retried_then_an_answer_succeeds(openai_server):
    openai_server.push(delayed(tool_call(VALID), 1.0), tool_call(VALID))
    async with openai_provider(openai_server, llm_timeout_seconds=0.3) as provider:
        completion = await provider.complete(PROMPT, Summary)
    assert completion.usage.calls == 2


async def test_a_connection_error_is_retried_then_reported():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed_port = probe.getsockname()[1]
    unreachable = SimpleNamespace(base_url=f"http://127.0.0.1:{closed_port}/v1")
    async with openai_provider(unreachable, llm_max_retries=2) as provider:
        with pytest.raises(ProviderError, match="failed 3 times, the last with a connection error"):
            await provider.complete(PROMPT, Summary)


async def test_a_wrong_key_is_not_retried_and_never_shown(openai_server):
    wrong_key = "sk-proj-wrong-key-9876543210"
    async with openai_provider(openai_server, openai_api_key=wrong_key) as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.complete(PROMPT, Summary)
        assert wrong_key not in repr(provider) and wrong_key not in str(provider)
    message = str(caught.value)
    assert "401 invalid_request_error: Incorrect API key provided." in message and "OPENAI_API_KEY" in message
    assert wrong_key not in message and wrong_key not in repr(caught.value)
    assert caught.value.__cause__ is None
    assert len(openai_server.requests) == 1


async def test_the_key_never_reaches_the_logs(openai_server, caplog):
    caplog.set_level(logging.DEBUG)  # the SDK and httpx log requests at DEBUG
    # a retry, the two probes of auto (both ignored), then a json answer repaired once
    openai_server.push(server_error(), answer("Hello"), answer("Hello"), answer("bad"), answer(VALID))
    async with openai_provider(openai_server, openai_structured_output="auto") as provider:
        await provider.complete(PROMPT, Summary)
    assert caplog.records and OPENAI_TEST_KEY not in caplog.text


async def test_a_bad_request_is_not_retried_and_shows_the_api_message(openai_server):
    openai_server.push(error(400, "invalid_request_error", "This model's maximum context length is 8192 tokens."))
    async with openai_provider(openai_server) as provider:
        with pytest.raises(ProviderError, match="refused the request: 400 invalid_request_error: This model's maximum"):
            await provider.complete(PROMPT, Summary)
    assert len(openai_server.requests) == 1


async def test_no_more_requests_in_flight_than_the_limit():
    answer_valid = lambda request: tool_call(VALID)  # noqa: E731
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, latency_seconds=0.2, default=answer_valid) as server:
        async with openai_provider(server, llm_max_concurrency=2) as provider:
            completions = await asyncio.gather(*[provider.complete(PROMPT, Summary) for _ in range(6)])
    assert len(completions) == 6 and len(server.requests) == 6
    assert server.max_concurrent == 2
