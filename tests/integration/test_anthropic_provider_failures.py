"""The Anthropic provider's failures through the real SDK against the local Messages API server:
retries and their delays, timeouts, connection errors, refusals that never show the key, the cap
on requests in flight."""
from __future__ import annotations

import asyncio
import logging
import socket
from types import SimpleNamespace

import pytest
from pydantic import BaseModel, Field

from shared.llm.provider import Prompt, ProviderError
from tests.support.llm_fixtures import TEST_API_KEY, anthropic_provider, llm_server  # noqa: F401
from tests.support.llm_replies import delayed, error, overloaded, rate_limited, server_error, tool_use
from tests.support.llm_server import FakeAnthropicServer
from tests.support.waiting import eventually


class Summary(BaseModel):
    text: str = Field(min_length=1)


VALID = {"text": "Branches are cheap."}
INVALID = {"text": ""}
PROMPT = Prompt(task="summarise", system="You summarise Git documentation.", user="Summarise branches.")


async def test_429_is_retried_after_the_retry_after_delay(llm_server):
    llm_server.push(rate_limited(retry_after=1), tool_use(VALID))
    async with anthropic_provider(llm_server, llm_retry_max_seconds=5) as provider:
        completion = await provider.complete(PROMPT, Summary)
    first, second = llm_server.requests
    assert second.received_at - first.received_at >= 1.0
    assert completion.usage.calls == 2


async def test_retry_after_is_capped_by_the_configured_maximum(llm_server):
    delays: list[float] = []
    llm_server.push(rate_limited(retry_after=3600), tool_use(VALID))
    async with anthropic_provider(llm_server, delays, llm_retry_max_seconds=0.05) as provider:
        await provider.complete(PROMPT, Summary)
    assert delays == [0.05]


async def test_529_overloaded_then_success(llm_server):
    delays: list[float] = []
    llm_server.push(overloaded(), tool_use(VALID))
    async with anthropic_provider(llm_server, delays, llm_retry_base_seconds=0.5) as provider:
        completion = await provider.complete(PROMPT, Summary)
    assert completion.value == Summary(**VALID) and completion.usage.calls == 2
    assert len(delays) == 1 and 0 <= delays[0] <= 0.05  # capped at llm_retry_max_seconds


async def test_500s_until_the_retries_run_out(llm_server):
    delays: list[float] = []
    llm_server.push(*[server_error()] * 4)
    async with anthropic_provider(llm_server, delays, llm_max_retries=3) as provider:
        with pytest.raises(ProviderError, match="failed 4 times, the last with 500 api_error") as caught:
            await provider.complete(PROMPT, Summary)
    assert "try again later" in str(caught.value)
    assert len(llm_server.requests) == 4 and len(delays) == 3
    assert caught.value.usage.calls == 4


async def test_a_timeout_is_retried_then_reported(llm_server):
    llm_server.push(delayed(tool_use(VALID), 1.0), delayed(tool_use(VALID), 1.0))
    async with anthropic_provider(llm_server, llm_timeout_seconds=0.3, llm_max_retries=1) as provider:
        with pytest.raises(ProviderError, match=r"failed 2 times, the last with no answer within 0.3 s"):
            await provider.complete(PROMPT, Summary)
    # The server runs in its own thread: on a loaded machine the second request, sent before the
    # client's 0.3 s ran out, may be recorded after the error is raised.
    await eventually(lambda: len(llm_server.requests) == 2, timeout=10, message="the retry reaching the server")
    assert len(llm_server.requests) == 2


async def test_a_timeout_then_an_answer_succeeds(llm_server):
    llm_server.push(delayed(tool_use(VALID), 1.0), tool_use(VALID))
    async with anthropic_provider(llm_server, llm_timeout_seconds=0.3) as provider:
        completion = await provider.complete(PROMPT, Summary)
    assert completion.usage.calls == 2


async def test_a_connection_error_is_retried_then_reported():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed_port = probe.getsockname()[1]
    unreachable = SimpleNamespace(url=f"http://127.0.0.1:{closed_port}")
    async with anthropic_provider(unreachable, llm_max_retries=2) as provider:
        with pytest.raises(ProviderError, match="failed 3 times, the last with a connection error"):
            await provider.complete(PROMPT, Summary)


async def test_a_wrong_key_is_not_retried_and_never_shown(llm_server):
    wrong_key = "sk-ant-api03-wrong-key-9876543210"
    async with anthropic_provider(llm_server, anthropic_api_key=wrong_key) as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.complete(PROMPT, Summary)
        assert wrong_key not in repr(provider) and wrong_key not in str(provider)
    message = str(caught.value)
    assert "401 authentication_error: invalid x-api-key" in message and "ANTHROPIC_API_KEY" in message
    assert wrong_key not in message and wrong_key not in repr(caught.value)
    assert caught.value.__cause__ is None
    assert len(llm_server.requests) == 1


async def test_the_key_never_reaches_the_logs(llm_server, caplog):
    caplog.set_level(logging.DEBUG)  # the SDK and httpx log requests at DEBUG
    llm_server.push(overloaded(), tool_use(INVALID), tool_use(VALID))
    async with anthropic_provider(llm_server) as provider:
        await provider.complete(PROMPT, Summary)
    assert caplog.records and TEST_API_KEY not in caplog.text


async def test_a_bad_request_is_not_retried_and_shows_the_api_message(llm_server):
    llm_server.push(error(400, "invalid_request_error", "max_tokens: 1000000 > 64000"))
    async with anthropic_provider(llm_server) as provider:
        with pytest.raises(ProviderError, match="refused the request: 400 invalid_request_error: max_tokens"):
            await provider.complete(PROMPT, Summary)
    assert len(llm_server.requests) == 1


async def test_no_more_requests_in_flight_than_the_limit():
    answer_valid = lambda request: tool_use(VALID)  # noqa: E731
    with FakeAnthropicServer(api_key=TEST_API_KEY, latency_seconds=0.2, default=answer_valid) as server:
        async with anthropic_provider(server, llm_max_concurrency=2) as provider:
            completions = await asyncio.gather(*[provider.complete(PROMPT, Summary) for _ in range(6)])
    assert len(completions) == 6 and len(server.requests) == 6
    assert server.max_concurrent == 2
