"""Structured output through tool use (Messages API): the tool a schema becomes, reading the
model's call of it back into the schema, and the turns that ask the model to repair a bad call."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared import linear_regex

if TYPE_CHECKING:
    from anthropic.types import Message

T = TypeVar("T", bound=BaseModel)

CACHED = {"type": "ephemeral"}
_MAX_ERRORS_LISTED = 8
_MAX_VALUE_CHARS = 60


def tool_name(schema: type[BaseModel]) -> str:
    """"record_<snake name>", limited to the characters and length the API accepts."""
    # An underscore between a lower-case letter or digit and a capital: the two classes are disjoint,
    # so consecutive pairs never share a character and matching both finds every boundary.
    snake = linear_regex.sub(r"([a-z0-9])([A-Z])", r"\1_\2", schema.__name__).lower()
    return ("record_" + linear_regex.sub(r"[^a-z0-9_]+", "_", snake).strip("_"))[:64]


def tool_for(schema: type[BaseModel]) -> dict[str, Any]:
    # cache_control here caches the tool definition, which precedes the system prompt in the
    # cached prefix, so every call of a stage with the same schema reuses it.
    return {"name": tool_name(schema),
            "description": f"Record your answer. The input must follow the {schema.__name__} schema exactly.",
            "input_schema": schema.model_json_schema(), "cache_control": CACHED}


def read_answer(message: Message, schema: type[T]) -> tuple[T | None, str | None]:
    """The validated answer, or None and a precise description of what is wrong with it."""
    name = tool_name(schema)
    call = next((block for block in message.content
                 if block.type == "tool_use" and block.name == name), None)
    if call is None:
        return None, _with_cutoff(f"the answer did not call the tool {name}", message)
    raw = call.input
    if isinstance(raw, str):  # a lenient SDK may hand over unparsed input
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as error:
            return None, _with_cutoff(f"the tool input is not valid JSON ({error.msg})", message)
    try:
        return schema.model_validate(raw), None
    except ValidationError as error:
        return None, _with_cutoff(describe_validation_error(error), message)


def describe_validation_error(error: ValidationError) -> str:
    """e.g. "title: Field required; minutes: Input should be a valid integer (got 'ten')"."""
    problems = [_describe_problem(item) for item in error.errors()[:_MAX_ERRORS_LISTED]]
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def repair_turns(message: Message, schema: type[BaseModel], problem: str) -> list[dict[str, Any]]:
    """The assistant's answer as it was, then a user turn stating what is wrong. The API requires
    every tool_use to be answered by a tool_result, so the correction goes into those."""
    instruction = (f"Your answer was not valid: {problem}. Call {tool_name(schema)} again with "
                   "input that fixes every problem listed and keeps everything else.")
    assistant = [_as_param(block) for block in message.content if _worth_echoing(block)]
    calls = [block for block in message.content if block.type == "tool_use"]
    correction: list[dict[str, Any]] = (
        [{"type": "tool_result", "tool_use_id": call.id, "is_error": True, "content": instruction}
         for call in calls] or [{"type": "text", "text": instruction}])
    # An empty assistant turn is rejected by the API; consecutive user turns are merged by it.
    turns = [{"role": "assistant", "content": assistant}] if assistant else []
    return turns + [{"role": "user", "content": correction}]


def _describe_problem(item: Any) -> str:
    where = ".".join(str(part) for part in item["loc"]) or "(the whole input)"
    text = f"{where}: {item['msg']}"
    if item["type"] != "missing" and "input" in item and not isinstance(item["input"], (dict, list)):
        text += f" (got {repr(item['input'])[:_MAX_VALUE_CHARS]})"
    return text


def _with_cutoff(problem: str, message: Message) -> str:
    if message.stop_reason == "max_tokens":
        return problem + " (the answer was cut off at the output token limit)"
    return problem


def _worth_echoing(block: Any) -> bool:
    return block.type == "tool_use" or (block.type == "text" and bool(block.text.strip()))


def _as_param(block: Any) -> dict[str, Any]:
    if block.type == "text":
        return {"type": "text", "text": block.text}
    # The API only accepts an object as tool input; the correction explains what was wrong with it.
    tool_input = block.input if isinstance(block.input, dict) else {}
    return {"type": "tool_use", "id": block.id, "name": block.name, "input": tool_input}
