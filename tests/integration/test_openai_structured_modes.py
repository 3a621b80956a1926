"""OPENAI_STRUCTURED_OUTPUT=auto against local Chat Completions servers that behave like the real
kinds: one that honours a strict response_format (OpenAI, vLLM, llama.cpp), one that refuses it
but forces tool calls, one that ignores both (cyllama's server, measured). The mode is found out
once, said in the log with the reason, and the probes' tokens are counted."""
from __future__ import annotations

import asyncio
import logging

from pydantic import BaseModel

from shared.llm.openai_modes import ProbeAnswer
from shared.llm.provider import Prompt
from tests.support.llm_replies import RecordedRequest
from tests.support.openai_fixtures import OPENAI_TEST_KEY, openai_provider
from tests.support.openai_replies import Reply, answer, forced_function, response_schema, tool_call, usage
from tests.support.openai_server import FakeOpenAIServer


class Note(BaseModel):
    text: str


PROMPT = Prompt(task="note", system="You take notes.", user="Note that branches are cheap.")
NOTE = {"text": "branches are cheap"}
PROBE_VALUE = {"probe": "coursegen-structured-output"}


def strict_server(request: RecordedRequest) -> Reply:
    """Samples under the schema: a probe gets the only valid answer, anything else a valid note."""
    schema = response_schema(request.body)
    if schema is None:
        return answer("Hello! How can I help?")
    return answer(PROBE_VALUE if "probe" in schema.get("properties", {}) else NOTE, usage=usage(40, 8))


def tool_server(request: RecordedRequest) -> Reply:
    forced = forced_function(request.body)
    if forced is None:
        return answer("Hello! How can I help?")
    return tool_call(PROBE_VALUE if forced == "record_probe_answer" else NOTE, usage=usage(50, 9))


def chat_only_server(request: RecordedRequest) -> Reply:
    """Ignores response_format and tools; follows a schema only when the prompt asks for JSON."""
    system = request.body["messages"][0]["content"]
    return answer(NOTE if "JSON Schema" in system else "Hello! How can I help?", usage=usage(30, 7))


async def _detect(server: FakeOpenAIServer, caplog) -> tuple[str, list]:
    caplog.set_level(logging.INFO, logger="shared.llm.openai_provider")
    async with openai_provider(server, openai_structured_output="auto") as provider:
        completions = await asyncio.gather(*[provider.complete(PROMPT, Note) for _ in range(3)])
        mode = await provider.mode()
    assert all(completion.value == Note(**NOTE) for completion in completions)
    return mode, completions


async def test_a_server_honouring_a_strict_schema_gets_json_schema(caplog):
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=strict_server) as server:
        mode, completions = await _detect(server, caplog)
    assert mode == "json_schema"
    probe, *asks = server.requests
    assert probe.body["response_format"]["json_schema"] == {
        "name": "record_probe_answer", "schema": ProbeAnswer.model_json_schema(), "strict": True}
    assert len(asks) == 3 and all("response_format" in ask.body for ask in asks)  # probed once
    assert sum(completion.usage.calls for completion in completions) == 4  # the probe is counted
    assert sum(completion.usage.input_tokens for completion in completions) == 160
    assert "OPENAI_STRUCTURED_OUTPUT=auto uses json_schema" in caplog.text


async def test_a_server_refusing_response_format_gets_forced_tool_calls(caplog):
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=tool_server, refuses={"response_format"}) as server:
        mode, _ = await _detect(server, caplog)
    assert mode == "tools"
    assert [len(server.requests)] == [2 + 3]
    assert "uses tools" in caplog.text and "response_format json_schema refused (400)" in caplog.text


async def test_a_server_ignoring_both_gets_json_in_the_prompt_and_the_log_says_why(caplog):
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=chat_only_server) as server:
        mode, completions = await _detect(server, caplog)
    assert mode == "json"
    first_probe, second_probe, *asks = server.requests
    assert "response_format" in first_probe.body and "tools" in second_probe.body
    assert len(asks) == 3 and not any("tools" in ask.body or "response_format" in ask.body for ask in asks)
    assert "uses json" in caplog.text
    assert "response_format json_schema ignored (the answer contains no JSON object)" in caplog.text
    assert "a forced tool call ignored (the answer did not call the function record_probe_answer)" in caplog.text
