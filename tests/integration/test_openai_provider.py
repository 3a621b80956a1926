"""The OpenAI-compatible provider through the real SDK against the local Chat Completions server:
the request of each structured-output mode, validation, its one repair, usage and cost, the
factory. Auto-detection: test_openai_structured_modes.py; failures: test_openai_provider_failures.py."""
from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest
from pydantic import BaseModel, Field

from shared.llm.factory import build_provider
from shared.llm.openai_provider import OpenAIProvider
from shared.llm.prompt_size import request_tokens
from shared.llm.provider import InvalidAnswer, Prompt, PromptTooLarge, ProviderError, Usage
from shared.observability.pricing import cost_usd
from tests.support.openai_fixtures import OPENAI_TEST_KEY, openai_provider, openai_server, openai_settings  # noqa: F401
from tests.support.openai_replies import answer, tool_call, usage
from tests.support.openai_server import FakeOpenAIServer


class LessonOutline(BaseModel):
    title: str = Field(min_length=1)
    minutes: int = Field(ge=1)
    objectives: list[str]


VALID = {"title": "Branches", "minutes": 10, "objectives": ["create a branch", "merge it"]}
INVALID = {"title": "", "minutes": "ten", "objectives": ["create a branch"]}
FUNCTION = "record_lesson_outline"
PROMPT = Prompt(task="outline_lesson", system="You write short courses about Git.",
                user="Outline the lesson on branches.", max_output_tokens=1000)


async def test_tools_mode_forces_the_function_and_validates_its_arguments(openai_server):
    openai_server.push(tool_call(VALID, usage=usage(120, 30, cached=100)))
    async with openai_provider(openai_server) as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value == LessonOutline(**VALID)
    used = completion.usage
    assert (used.provider, used.model, used.calls) == ("openai", "local-test-model", 1)
    # prompt_tokens counts the cached ones too: they are split out, priced as cache reads.
    assert (used.input_tokens, used.cache_read_tokens, used.output_tokens) == (20, 100, 30)
    [request] = openai_server.requests
    body = request.body
    assert request.api_key == OPENAI_TEST_KEY
    assert (body["model"], body["max_tokens"]) == ("local-test-model", 1000)
    assert body["tools"] == [{"type": "function", "function": {
        "name": FUNCTION, "parameters": LessonOutline.model_json_schema(),
        "description": body["tools"][0]["function"]["description"]}}]
    assert body["tool_choice"] == {"type": "function", "function": {"name": FUNCTION}}
    assert body["messages"] == [{"role": "system", "content": PROMPT.system},
                                {"role": "user", "content": PROMPT.user}]
    assert "response_format" not in body


async def test_json_schema_mode_sends_the_schema_as_the_response_format(openai_server):
    openai_server.push(answer(VALID))
    async with openai_provider(openai_server, openai_structured_output="json_schema") as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value == LessonOutline(**VALID)
    body = openai_server.requests[0].body
    # LessonOutline has no additionalProperties: false, so OpenAI's strict mode would refuse it.
    assert body["response_format"] == {"type": "json_schema", "json_schema": {
        "name": FUNCTION, "schema": LessonOutline.model_json_schema(), "strict": False}}
    assert "tools" not in body and body["messages"][0] == {"role": "system", "content": PROMPT.system}


async def test_json_mode_puts_the_schema_in_the_prompt_and_reads_json_out_of_prose(openai_server):
    openai_server.push(answer("Sure! Here it is:\n```json\n" + json.dumps(VALID) + "\n```\nEnjoy."))
    async with openai_provider(openai_server, openai_structured_output="json") as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value == LessonOutline(**VALID)
    body = openai_server.requests[0].body
    assert "tools" not in body and "response_format" not in body
    system = body["messages"][0]["content"]
    assert system.startswith(PROMPT.system) and "exactly one JSON object" in system
    assert json.dumps(LessonOutline.model_json_schema(), separators=(",", ":")) in system


async def test_an_invalid_tool_call_is_repaired_once_through_a_tool_message(openai_server):
    openai_server.push(tool_call(INVALID, usage=usage(100, 10)), tool_call(VALID, usage=usage(150, 12)))
    async with openai_provider(openai_server) as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value == LessonOutline(**VALID)
    assert (completion.usage.calls, completion.usage.input_tokens, completion.usage.output_tokens) == (2, 250, 22)
    system, question, assistant, correction = openai_server.requests[1].body["messages"]
    [call] = assistant["tool_calls"]
    assert json.loads(call["function"]["arguments"]) == INVALID
    assert (correction["role"], correction["tool_call_id"]) == ("tool", call["id"])
    assert "title: String should have at least 1 character" in correction["content"]
    assert "minutes: Input should be a valid integer" in correction["content"] and "'ten'" in correction["content"]


async def test_invalid_json_in_json_mode_is_repaired_through_a_user_message(openai_server):
    openai_server.push(answer('{"title": "Branches", "minutes": 1'), answer(VALID))
    async with openai_provider(openai_server, openai_structured_output="json") as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value.title == "Branches"
    *_, assistant, correction = openai_server.requests[1].body["messages"]
    assert assistant == {"role": "assistant", "content": '{"title": "Branches", "minutes": 1'}
    assert correction["role"] == "user" and "not valid JSON" in correction["content"]


async def test_an_answer_invalid_twice_fails_naming_the_schema_the_problem_and_the_cutoff(openai_server):
    openai_server.push(answer("no JSON here"), answer('{"title": "Bran', finish_reason="length"))
    async with openai_provider(openai_server, openai_structured_output="json") as provider:
        with pytest.raises(ProviderError, match="did not fit LessonOutline.*not valid JSON.*cut off at the output") as caught:
            await provider.complete(PROMPT, LessonOutline)
    assert len(openai_server.requests) == 2 and caught.value.usage.calls == 2


async def test_llm_max_output_tokens_caps_the_request(openai_server):
    openai_server.push(tool_call(VALID))
    async with openai_provider(openai_server, llm_max_output_tokens=256) as provider:
        await provider.complete(PROMPT, LessonOutline)
    assert openai_server.requests[0].body["max_tokens"] == 256


async def test_openais_own_endpoint_gets_max_completion_tokens_and_a_priced_model():
    provider = OpenAIProvider(openai_settings(SimpleNamespace(base_url="https://api.openai.com/v1"),
                                              openai_model="gpt-4o-mini"))
    assert provider._limit_field == "max_completion_tokens"
    await provider.aclose()
    spent = Usage(provider="openai", model="gpt-4o-mini-2024-07-18", input_tokens=1_000_000,
                  output_tokens=1_000_000, cache_read_tokens=1_000_000)
    assert cost_usd(spent) == pytest.approx(0.15 + 0.60 + 0.075)


async def test_a_local_model_costs_nothing_and_the_log_says_so(openai_server, caplog):
    caplog.set_level(logging.INFO, logger="shared.llm.factory")  # the factory logs it, for every provider
    openai_server.push(tool_call(VALID, usage=usage(5000, 500)))
    provider = build_provider(openai_settings(openai_server, openai_model="llama3.1:8b"), {})
    completion = await provider.complete(PROMPT, LessonOutline)
    await provider.aclose()
    assert completion.usage.input_tokens == 5000 and cost_usd(completion.usage) == 0.0
    assert "no list price for the model 'llama3.1:8b'" in caplog.text and "costing 0" in caplog.text


async def test_a_local_server_needs_no_key_and_the_factory_builds_the_provider(openai_server):
    with FakeOpenAIServer() as keyless:  # like Ollama or llama.cpp: no key asked
        keyless.push(tool_call(VALID))
        provider = build_provider(openai_settings(keyless, openai_api_key=None), {})
        assert isinstance(provider.inner, OpenAIProvider) and provider.model == "local-test-model"
        completion = await provider.complete(PROMPT, LessonOutline)
        await provider.aclose()
    assert completion.value.minutes == 10
    keyed = build_provider(openai_settings(openai_server), {})
    assert OPENAI_TEST_KEY not in repr(keyed)
    await keyed.aclose()
    with pytest.raises(ValueError, match="needs OPENAI_API_KEY, or OPENAI_BASE_URL"):
        openai_settings(openai_server, openai_api_key=None, openai_base_url=None)


async def test_llm_context_tokens_lowers_the_output_limit_to_what_the_window_leaves(openai_server):
    openai_server.push(tool_call(VALID))
    async with openai_provider(openai_server, llm_context_tokens=1024) as provider:
        await provider.complete(PROMPT, LessonOutline)  # asks for 1000 output tokens
    body = openai_server.requests[0].body
    assert 64 <= body["max_tokens"] < 1000
    assert request_tokens(body) + body["max_tokens"] == 1024


async def test_a_prompt_larger_than_the_context_window_is_never_sent(openai_server):
    huge = Prompt(task="outline_lesson", system="You write short courses.", user="branches " * 2000)
    async with openai_provider(openai_server, llm_context_tokens=2048) as provider:
        with pytest.raises(PromptTooLarge, match="more than the model's context window of 2048") as caught:
            await provider.complete(huge, LessonOutline)
    assert openai_server.requests == [] and caught.value.usage.calls == 0
    assert isinstance(caught.value, InvalidAnswer)  # so the offline engine produces the item instead
