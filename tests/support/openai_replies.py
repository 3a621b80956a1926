"""What the local Chat Completions server (tests/support/openai_server.py) answers: scripted replies,
rendered in the real API's shapes, usage simulated from the request's size when not given, and the
request checks the real API makes that a client is most likely to get wrong."""
from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from tests.support.llm_replies import RecordedRequest

ROLES = {"system", "developer", "user", "assistant", "tool"}


@dataclass(frozen=True)
class Reply:
    """One answer. `content` is the message text (an object is sent as its JSON); each of
    `tool_calls` is {"name"?, "arguments"} — a call without a name gets the request's forced
    function. `usage` None: simulated from the request's size."""
    status: int = 200
    content: Any = None
    tool_calls: tuple[dict[str, Any], ...] = ()
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    model: str | None = None
    error_type: str | None = None
    error_message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


def answer(content: Any, *, usage: dict[str, Any] | None = None, finish_reason: str = "stop") -> Reply:
    return Reply(content=content if isinstance(content, str) else json.dumps(content),
                 usage=usage, finish_reason=finish_reason)


def tool_call(arguments: Any, *, name: str | None = None, usage: dict[str, Any] | None = None) -> Reply:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return Reply(tool_calls=({"name": name, "arguments": text},), finish_reason="tool_calls", usage=usage)


def error(status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, error_type=error_type, error_message=message, headers=headers or {})


def rate_limited(retry_after: float | str = 1) -> Reply:
    return error(429, "rate_limit_exceeded", "Rate limit reached for requests", {"retry-after": str(retry_after)})


def server_error(status: int = 500) -> Reply:
    return error(status, "server_error", "The server had an error while processing your request.")


def delayed(reply: Reply, seconds: float) -> Reply:
    return replace(reply, delay_seconds=seconds)


def usage(prompt_tokens: int, completion_tokens: int, cached: int = 0) -> dict[str, Any]:
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached}}


def forced_function(body: dict[str, Any]) -> str | None:
    choice = body.get("tool_choice")
    return choice.get("function", {}).get("name") if isinstance(choice, dict) else None


def response_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The json_schema of a `response_format` request, else None."""
    spec = body.get("response_format") or {}
    return (spec.get("json_schema") or {}).get("schema") if spec.get("type") == "json_schema" else None


def render_error(status: int, error_type: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": error_type, "param": None, "code": None}}


def render(reply: Reply, request: RecordedRequest) -> tuple[int, dict[str, Any]]:
    if reply.status >= 400:
        return render_error(reply.status, reply.error_type or "server_error", reply.error_message)
    calls = [{"id": f"call_{uuid.uuid4().hex[:24]}", "type": "function",
              "function": {"name": call.get("name") or forced_function(request.body) or "function",
                           "arguments": call["arguments"]}} for call in reply.tool_calls]
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": None}
    if calls:
        message["tool_calls"] = calls
    return reply.status, {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": 1_700_000_000,
        "model": reply.model or request.body.get("model"),
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason or "stop",
                     "logprobs": None}],
        "usage": reply.usage or simulated_usage(request.body, message)}


def simulated_usage(body: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """About 4 characters a token, as the real API's tokenizer gives for English prose."""
    prompt = _tokens(json.dumps([body.get("messages"), body.get("tools"), body.get("response_format")]))
    return usage(prompt, _tokens(json.dumps([message.get("content"), message.get("tool_calls")])))


def request_problem(body: Any) -> str | None:
    """The first reason the real API would answer 400 invalid_request_error, among those checked."""
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    for name in ("model", "messages"):
        if name not in body:
            return f"Missing required parameter: '{name}'."
    if "max_tokens" in body and "max_completion_tokens" in body:
        return "max_tokens and max_completion_tokens cannot both be set"
    for name in ("max_tokens", "max_completion_tokens"):
        if name in body and (not isinstance(body[name], int) or body[name] < 1):
            return f"Invalid '{name}': expected an integer of at least 1."
    messages = body["messages"]
    if not isinstance(messages, list) or not messages:
        return "Invalid 'messages': empty array."
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            return f"Invalid 'messages[{index}].role'."
    tools = {tool.get("function", {}).get("name") for tool in body.get("tools") or []}
    forced = forced_function(body)
    if forced is not None and forced not in tools:
        return f"Invalid 'tool_choice': function '{forced}' is not among the tools."
    spec = body.get("response_format")
    if spec is not None and spec.get("type") == "json_schema" and not response_schema(body):
        return "Missing required parameter: 'response_format.json_schema.schema'."
    return _unanswered_tool_call(messages)


def _unanswered_tool_call(messages: list[dict[str, Any]]) -> str | None:
    for index, message in enumerate(messages):
        if message.get("role") == "tool":
            previous = [m for m in messages[:index] if m.get("role") != "tool"]
            ids = {call["id"] for call in (previous[-1].get("tool_calls") or [])} if previous else set()
            if message.get("tool_call_id") not in ids:
                return (f"Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                        f"message with 'tool_calls' (messages[{index}]).")
        calls = message.get("tool_calls") or []
        if message.get("role") == "assistant" and calls:
            answered = {m.get("tool_call_id") for m in messages[index + 1:index + 1 + len(calls)]
                        if m.get("role") == "tool"}
            missing = {call["id"] for call in calls} - answered
            if missing:
                return ("An assistant message with 'tool_calls' must be followed by tool messages "
                        f"responding to each 'tool_call_id'. Missing: {', '.join(sorted(missing))}")
    return None


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)
