"""Structured output over the Chat Completions API, in each of its three modes:

- json_schema: a strict `response_format` (OpenAI, vLLM, llama.cpp's server, Ollama) — the
  server samples only valid JSON;
- tools: a forced function call whose arguments follow the schema;
- json: the schema is given in the prompt and the answer's JSON is validated here (any server).

For each: the request, reading the answer back into the schema, and the messages that ask the
model to repair an invalid one."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from shared import linear_regex
from shared.llm.provider import Prompt
from shared.llm.tool_answer import describe_validation_error, tool_name

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

T = TypeVar("T", bound=BaseModel)
Mode = Literal["json_schema", "tools", "json"]
MODES: tuple[Mode, ...] = ("json_schema", "tools", "json")

_FENCE = linear_regex.compile(r"```(?:json)?\s*(.*?)```", linear_regex.DOTALL)


def json_instruction(schema_json: dict[str, Any]) -> str:
    return ("Answer with exactly one JSON object and nothing else: no prose, no code fence. "
            "It must follow this JSON Schema (this replaces any mention of a tool above):\n"
            + json.dumps(schema_json, separators=(",", ":")))


def messages_for(mode: Mode, prompt: Prompt, schema_json: dict[str, Any]) -> list[dict[str, Any]]:
    system = prompt.system
    if mode == "json":
        system = f"{system}\n\n{json_instruction(schema_json)}" if system else json_instruction(schema_json)
    head = [{"role": "system", "content": system}] if system else []
    return head + [{"role": "user", "content": prompt.user}]


def structure_for(mode: Mode, name: str, schema_json: dict[str, Any]) -> dict[str, Any]:
    """The request fields that ask for `schema_json` in `mode` (none for json)."""
    if mode == "json_schema":
        return {"response_format": {"type": "json_schema", "json_schema": {
            "name": name, "schema": schema_json, "strict": is_strict_compatible(schema_json)}}}
    if mode == "tools":
        return {"tools": [{"type": "function", "function": {
                    "name": name, "parameters": schema_json,
                    "description": "Record your answer; the arguments must follow the schema exactly."}}],
                "tool_choice": {"type": "function", "function": {"name": name}}}
    return {}


def is_strict_compatible(schema_json: Any) -> bool:
    """OpenAI's strict mode takes only objects whose every property is required and that allow no
    others; a schema with optional fields is sent non-strict (the answer is validated here anyway)."""
    if isinstance(schema_json, dict):
        if schema_json.get("type") == "object" or "properties" in schema_json:
            properties = schema_json.get("properties", {})
            if set(schema_json.get("required", [])) != set(properties):
                return False
            if schema_json.get("additionalProperties", True) is not False:
                return False
        return all(is_strict_compatible(value) for value in schema_json.values())
    if isinstance(schema_json, list):
        return all(is_strict_compatible(value) for value in schema_json)
    return True


def read_reply(mode: Mode, completion: ChatCompletion, schema: type[T]) -> tuple[T | None, str | None]:
    """The validated answer, or None and a precise description of what is wrong with it."""
    if not completion.choices:
        return None, "the answer had no choices"
    choice = completion.choices[0]
    if mode == "tools":
        name = tool_name(schema)
        call = next((call for call in choice.message.tool_calls or ()
                     if getattr(call, "function", None) and call.function.name == name), None)
        if call is None:
            return None, _with_cutoff(f"the answer did not call the function {name}", choice)
        raw_text = call.function.arguments or ""
    else:
        raw_text = choice.message.content or ""
        if choice.message.refusal:
            return None, f"the model refused: {choice.message.refusal[:200]}"
    raw, problem = parse_json_object(raw_text)
    if problem is not None:
        return None, _with_cutoff(problem, choice)
    try:
        return schema.model_validate(raw), None
    except ValidationError as error:
        return None, _with_cutoff(describe_validation_error(error), choice)


def parse_json_object(text: str) -> tuple[Any, str | None]:
    """The first JSON object in `text` — models in json mode often wrap it in a code fence or a
    sentence — or None and what is wrong."""
    fenced = _FENCE.search(text)
    candidate = fenced.group(1) if fenced else text
    start = candidate.find("{")
    if start < 0:
        return None, "the answer contains no JSON object" + (" (it was empty)" if not text.strip() else "")
    try:
        value, _ = json.JSONDecoder().raw_decode(candidate, start)
    except json.JSONDecodeError as error:
        return None, f"the answer is not valid JSON ({error.msg} at character {error.pos})"
    return value, None


def repair_messages(mode: Mode, completion: ChatCompletion, schema: type[BaseModel],
                    problem: str) -> list[dict[str, Any]]:
    """The assistant's answer as it was, then what is wrong with it. A tool call must be answered
    by a tool message with its id, so in tools mode the correction goes there."""
    message = completion.choices[0].message if completion.choices else None
    if mode == "tools":
        instruction = (f"Your answer was not valid: {problem}. Call {tool_name(schema)} again with "
                       "arguments that fix every problem listed and keep everything else.")
    else:
        instruction = (f"Your answer was not valid: {problem}. Answer again with one JSON object "
                       "that fixes every problem listed and keeps everything else.")
    calls = [call for call in (message.tool_calls or ()) if getattr(call, "function", None)] if message else []
    assistant: dict[str, Any] = {"role": "assistant", "content": (message.content if message else None) or ""}
    if calls:
        assistant["tool_calls"] = [{"id": call.id, "type": "function", "function": {
            "name": call.function.name, "arguments": call.function.arguments or "{}"}} for call in calls]
        return [assistant] + [{"role": "tool", "tool_call_id": call.id, "content": instruction}
                              for call in calls]
    return [assistant, {"role": "user", "content": instruction}]


def _with_cutoff(problem: str, choice: Any) -> str:
    if choice.finish_reason == "length":
        return problem + " (the answer was cut off at the output token limit)"
    return problem
