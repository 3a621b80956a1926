"""OPENAI_STRUCTURED_OUTPUT=auto: which structured-output mode an endpoint really honours, found
out by asking. Servers differ — some refuse `response_format`, some accept it and ignore it (a
plain chat answer comes back), some ignore `tools` — so a probe counts only an answer that
follows a schema no free answer would follow by chance."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Literal

from pydantic import BaseModel, ConfigDict

from shared.llm.openai_answer import Mode, messages_for, read_reply, structure_for
from shared.llm.provider import Prompt, ProviderError
from shared.llm.tool_answer import tool_name

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

# A request the server refused as malformed: the mode is not supported there.
REFUSAL_STATUSES = frozenset({400, 404, 405, 415, 422})
PROBE_OUTPUT_TOKENS = 32


class ProbeAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    probe: Literal["coursegen-structured-output"]


PROBE = Prompt(task="probe", system="", user="Say hello.", max_output_tokens=PROBE_OUTPUT_TOKENS)


class Refused(ProviderError):
    """The endpoint answered a request with a client-error status (not worth retrying)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Detected:
    mode: Mode
    reason: str


Send = Callable[[dict[str, Any]], Awaitable["ChatCompletion"]]


async def detect_mode(send: Send, request_base: dict[str, Any]) -> Detected:
    """The first of json_schema, tools that the endpoint honours, else json (always works).
    `request_base` holds the model and output-limit fields; `send` is the provider's retried
    request, so the probes' tokens are counted like any other."""
    schema_json = ProbeAnswer.model_json_schema()
    name = tool_name(ProbeAnswer)
    notes: list[str] = []
    for mode in ("json_schema", "tools"):
        request = {**request_base, "messages": messages_for(mode, PROBE, schema_json),
                   **structure_for(mode, name, schema_json)}
        try:
            answer = await send(request)
        except Refused as refusal:
            if refusal.status not in REFUSAL_STATUSES:
                raise
            notes.append(f"{_label(mode)} refused ({refusal.status})")
            continue
        value, problem = read_reply(mode, answer, ProbeAnswer)
        if value is not None:
            return Detected(mode, f"the endpoint followed a probe schema through {_label(mode)}"
                            + (f" ({'; '.join(notes)})" if notes else ""))
        notes.append(f"{_label(mode)} ignored ({problem})")
    return Detected("json", "JSON asked for in the prompt and validated, because " + "; ".join(notes))


def _label(mode: str) -> str:
    return {"json_schema": "response_format json_schema", "tools": "a forced tool call"}[mode]
