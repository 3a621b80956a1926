"""The Anthropic provider through the real SDK against the local Messages API server: the requests it
sends, structured output, its one repair, usage, and the factory. Failures and retries:
test_anthropic_provider_failures.py."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from shared.llm.anthropic_provider import AnthropicProvider
from shared.llm.factory import build_provider
from shared.llm.provider import Prompt, ProviderError
from tests.support.llm_fixtures import TEST_API_KEY, anthropic_provider, anthropic_settings, llm_server  # noqa: F401
from tests.support.llm_replies import text, tool_use, usage


class LessonOutline(BaseModel):
    title: str = Field(min_length=1)
    minutes: int = Field(ge=1)
    objectives: list[str]


VALID = {"title": "Branches", "minutes": 10, "objectives": ["create a branch", "merge it"]}
INVALID = {"title": "", "minutes": "ten", "objectives": ["create a branch"]}
TOOL = "record_lesson_outline"
PROMPT = Prompt(task="outline_lesson", system="You write short courses about Git.",
                user="Outline the lesson on branches.", max_output_tokens=1000)


async def test_a_tool_answer_is_validated_and_its_usage_reported(llm_server):
    llm_server.push(tool_use(VALID, usage=usage(120, 30, cache_read=0, cache_creation=400)))
    async with anthropic_provider(llm_server) as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value == LessonOutline(**VALID)
    used = completion.usage
    assert (used.provider, used.model, used.calls) == ("anthropic", "claude-test-model", 1)
    assert (used.input_tokens, used.output_tokens, used.cache_creation_tokens) == (120, 30, 400)
    assert used.latency_ms > 0


async def test_the_request_forces_the_tool_and_marks_the_shared_context_for_caching(llm_server):
    llm_server.push(tool_use(VALID))
    async with anthropic_provider(llm_server) as provider:
        await provider.complete(PROMPT, LessonOutline)
    [request] = llm_server.requests
    body = request.body
    assert request.api_key == TEST_API_KEY  # SDK 2.x sends it as `Authorization: Bearer`
    assert (body["model"], body["max_tokens"]) == ("claude-test-model", 1000)
    assert body["tools"] == [{"name": TOOL, "description": body["tools"][0]["description"],
                              "input_schema": LessonOutline.model_json_schema(),
                              "cache_control": {"type": "ephemeral"}}]
    assert body["tool_choice"] == {"type": "tool", "name": TOOL}
    assert body["system"] == [{"type": "text", "text": PROMPT.system, "cache_control": {"type": "ephemeral"}}]
    assert body["messages"] == [{"role": "user", "content": PROMPT.user}]


async def test_the_second_call_of_a_stage_reads_the_cached_context(llm_server):
    llm_server.default = lambda request: tool_use(VALID)  # usage simulated by the server
    async with anthropic_provider(llm_server) as provider:
        first = await provider.complete(PROMPT, LessonOutline)
        second = await provider.complete(PROMPT, LessonOutline)
    assert first.usage.cache_creation_tokens > 0 and first.usage.cache_read_tokens == 0
    assert second.usage.cache_read_tokens == first.usage.cache_creation_tokens


async def test_an_invalid_answer_is_repaired_once(llm_server):
    llm_server.push(tool_use(INVALID, usage=usage(100, 10)), tool_use(VALID, usage=usage(150, 12)))
    async with anthropic_provider(llm_server) as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value == LessonOutline(**VALID)
    assert (completion.usage.calls, completion.usage.input_tokens, completion.usage.output_tokens) == (2, 250, 22)
    repair = llm_server.requests[1].body
    assert repair["tool_choice"] == {"type": "tool", "name": TOOL}
    question, answer, correction = repair["messages"]
    assert question == {"role": "user", "content": PROMPT.user}
    [call] = answer["content"]
    assert (answer["role"], call["type"], call["input"]) == ("assistant", "tool_use", INVALID)
    [result] = correction["content"]
    assert (result["type"], result["tool_use_id"], result["is_error"]) == ("tool_result", call["id"], True)
    assert "title: String should have at least 1 character" in result["content"]
    assert "minutes: Input should be a valid integer" in result["content"] and "'ten'" in result["content"]


async def test_an_answer_invalid_twice_fails_naming_the_schema_and_the_problem(llm_server):
    llm_server.push(tool_use(INVALID), tool_use({"title": "Branches", "objectives": []}))
    async with anthropic_provider(llm_server) as provider:
        with pytest.raises(ProviderError, match="did not fit LessonOutline.*minutes: Field required"):
            await provider.complete(PROMPT, LessonOutline)
    assert len(llm_server.requests) == 2


async def test_a_text_answer_without_the_tool_is_repaired(llm_server):
    llm_server.push(text("Here is an outline: branches are cheap."), tool_use(VALID))
    async with anthropic_provider(llm_server) as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value.minutes == 10
    _, answer, correction = llm_server.requests[1].body["messages"]
    assert answer == {"role": "assistant", "content": [{"type": "text", "text": "Here is an outline: branches are cheap."}]}
    assert f"did not call the tool {TOOL}" in correction["content"][0]["text"]


async def test_tool_input_that_is_not_json_is_repaired(llm_server):
    llm_server.push(tool_use('{"title": "Branches", "minutes": 1'), tool_use(VALID))
    async with anthropic_provider(llm_server) as provider:
        completion = await provider.complete(PROMPT, LessonOutline)
    assert completion.value.title == "Branches"
    _, answer, correction = llm_server.requests[1].body["messages"]
    assert answer["content"][0]["input"] == {}  # the API accepts only objects as tool input
    assert "not valid JSON" in correction["content"][0]["content"]


async def test_the_factory_builds_the_configured_provider(llm_server):
    provider = build_provider(anthropic_settings(llm_server), {})
    assert isinstance(provider.inner, AnthropicProvider) and provider.model == "claude-test-model"
    assert TEST_API_KEY not in repr(provider)
    await provider.aclose()
    offline = build_provider(anthropic_settings(llm_server, llm_provider="offline"), {})
    assert offline.name == "offline"
