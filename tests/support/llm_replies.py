"""What the local Messages API server (tests/support/llm_server.py) answers: scripted replies, rendered in the
real API's shapes, with usage that imitates prompt caching, and the request checks the real API
makes that a client is most likely to get wrong."""
from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]
    received_at: float  # time.monotonic() on the server
    arrived_at: float = 0.0  # time.time() on the server, for timelines across processes

    @property
    def api_key(self) -> str | None:
        """The credential sent: the API takes `x-api-key`, and the SDK (2.x) sends
        `Authorization: Bearer <key>`."""
        bearer = self.headers.get("authorization", "")
        return self.headers.get("x-api-key") or (bearer[7:] if bearer.lower().startswith("bearer ") else None)

    @property
    def forced_tool(self) -> str | None:
        choice = self.body.get("tool_choice") or {}
        return choice.get("name") if choice.get("type") == "tool" else None

    @property
    def last_user_text(self) -> str:
        """The text of the last user turn (string content, text blocks and tool_result contents)."""
        users = [m for m in self.body.get("messages", []) if m.get("role") == "user"]
        content = users[-1]["content"] if users else ""
        if isinstance(content, str):
            return content
        return "\n".join(str(block.get("text") or block.get("content") or "") for block in content)


@dataclass(frozen=True)
class Reply:
    """One answer. `content` blocks are Messages API blocks; a tool_use block without a name is
    given the request's forced tool. `usage` None: simulated from the request's size."""
    status: int = 200
    content: tuple[dict[str, Any], ...] = ()
    stop_reason: str | None = None
    usage: dict[str, int] | None = None
    model: str | None = None
    error_type: str | None = None
    error_message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


def tool_use(tool_input: Any, *, name: str | None = None, usage: dict[str, int] | None = None,
             stop_reason: str = "tool_use") -> Reply:
    block = {"type": "tool_use", "name": name, "input": tool_input}
    return Reply(content=(block,), stop_reason=stop_reason, usage=usage)


def text(answer: str, *, usage: dict[str, int] | None = None) -> Reply:
    return Reply(content=({"type": "text", "text": answer},), stop_reason="end_turn", usage=usage)


def error(status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, error_type=error_type, error_message=message, headers=headers or {})


def rate_limited(retry_after: float | str = 1) -> Reply:
    return error(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit.",
                 {"retry-after": str(retry_after)})


def overloaded() -> Reply:
    return error(529, "overloaded_error", "Overloaded")


def server_error(status: int = 500) -> Reply:
    return error(status, "api_error", "Internal server error")


def delayed(reply: Reply, seconds: float) -> Reply:
    return replace(reply, delay_seconds=seconds)


def usage(input_tokens: int, output_tokens: int, cache_read: int = 0, cache_creation: int = 0) -> dict[str, int]:
    return {"input_tokens": input_tokens, "output_tokens": output_tokens,
            "cache_read_input_tokens": cache_read, "cache_creation_input_tokens": cache_creation}


def render_error(status: int, error_type: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"type": "error", "error": {"type": error_type, "message": message},
                    "request_id": f"req_{uuid.uuid4().hex[:24]}"}


def render(reply: Reply, request: RecordedRequest, cache: set[str]) -> tuple[int, dict[str, Any]]:
    if reply.status >= 400:
        return render_error(reply.status, reply.error_type or "api_error", reply.error_message)
    content = [_with_tool_id_and_name(block, request) for block in reply.content]
    return reply.status, {
        "id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant",
        "model": reply.model or request.body.get("model"), "content": content,
        "stop_reason": reply.stop_reason or "end_turn", "stop_sequence": None,
        "usage": reply.usage or simulated_usage(request.body, content, cache)}


def simulated_usage(body: dict[str, Any], content: list[dict[str, Any]], cache: set[str]) -> dict[str, int]:
    """About 4 characters a token. Tools and system are cached when marked with cache_control:
    written the first time a prefix is seen, read afterwards (the real API's minimum cacheable
    length and 5-minute lifetime are ignored)."""
    prefix = json.dumps([body.get("tools"), body.get("system")], sort_keys=True)
    rest = _tokens(json.dumps(body.get("messages")))
    out = _tokens(json.dumps(content))
    if "cache_control" not in prefix:
        return usage(_tokens(prefix) + rest, out)
    key = hashlib.sha256(prefix.encode()).hexdigest()
    seen = key in cache
    cache.add(key)
    return usage(rest, out, cache_read=_tokens(prefix) if seen else 0,
                 cache_creation=0 if seen else _tokens(prefix))


def request_problem(body: Any) -> str | None:
    """The first reason the real API would answer 400 invalid_request_error, among those checked."""
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    for name in ("model", "max_tokens", "messages"):
        if name not in body:
            return f"{name}: Field required"
    messages = body["messages"]
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    tools = {tool.get("name") for tool in body.get("tools") or []}
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool" and choice.get("name") not in tools:
        return f"tool_choice: tool '{choice.get('name')}' not found in tools"
    return _unanswered_tool_use(messages)


def _unanswered_tool_use(messages: list[dict[str, Any]]) -> str | None:
    for index, message in enumerate(messages):
        content = message.get("content")
        if message.get("role") != "assistant" or not isinstance(content, list):
            continue
        if not content:
            return f"messages.{index}: all messages must have non-empty content"
        ids = {block["id"] for block in content if block.get("type") == "tool_use"}
        following = messages[index + 1]["content"] if index + 1 < len(messages) else []
        answered = {block.get("tool_use_id") for block in following
                    if isinstance(block, dict) and block.get("type") == "tool_result"}
        if ids - answered:
            return (f"messages.{index + 1}: `tool_use` ids were found without `tool_result` blocks "
                    f"immediately after: {', '.join(sorted(ids - answered))}")
    return None


def _with_tool_id_and_name(block: dict[str, Any], request: RecordedRequest) -> dict[str, Any]:
    if block.get("type") != "tool_use":
        return dict(block)
    name = block.get("name") or request.forced_tool or "tool"
    return {**block, "id": block.get("id") or f"toolu_{uuid.uuid4().hex[:24]}", "name": name}


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)
