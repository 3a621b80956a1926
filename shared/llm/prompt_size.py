"""How many tokens a request will take, before sending it, without the model's tokenizer: a
deliberately high estimate (about 3 characters a token, where English prose averages 4 and code or
JSON about 3), so that a request judged to fit really does."""
from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

    from shared.llm.provider import Prompt

CHARS_PER_TOKEN = 3.0
PER_MESSAGE_TOKENS = 8  # the chat template's role markers around each message
# What goes around an answer's schema in a request: the instruction to answer in JSON that follows
# it (shared/llm/openai_answer.py json_instruction) or the tool's envelope, whichever is longer.
SCHEMA_WRAPPING_TOKENS = 64


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def request_tokens(request: dict[str, Any]) -> int:
    """The prompt side of a Chat Completions request: its messages, and the schema it carries."""
    messages = request.get("messages", [])
    text = "".join(str(m.get("content") or "") + json.dumps(m.get("tool_calls") or "") for m in messages)
    extra = json.dumps([request.get("tools"), request.get("response_format")])
    return estimate_tokens(text) + estimate_tokens(extra) + PER_MESSAGE_TOKENS * len(messages)


def prompt_tokens(prompt: "Prompt") -> int:
    """A prompt's system and user parts as a two-message request takes them (without the schema
    of its answer, which a stage does not control)."""
    return estimate_tokens(prompt.system) + estimate_tokens(prompt.user) + 2 * PER_MESSAGE_TOKENS


def schema_tokens(schema: "type[BaseModel]") -> int:
    """What asking for an answer of `schema` adds to a request, however the provider asks."""
    return estimate_tokens(json.dumps(schema.model_json_schema())) + SCHEMA_WRAPPING_TOKENS
