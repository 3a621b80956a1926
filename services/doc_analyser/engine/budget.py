"""How much of a document one analysis prompt may carry, and how long its answer may be, for a
model's limits (shared/llm/model_limits.py). Measured the providers' way (shared/llm/prompt_size.py,
a deliberately high estimate), so a part judged to fit is never refused as too large.

A part's room is the window less what every prompt of the document carries (system prompt, the
document's wrapper, the answer's schema), less the answer, less a repair turn: a repair sends the
answer back with a list of its problems and asks for it again, so the answer is reserved twice and
the correction once. The answer gets at most a quarter of what is left, so the document keeps at
least half; on a large window it gets ANSWER_TOKENS, which the longest answer the schema allows
needs (a 2,000-character summary and 55 list items)."""
from __future__ import annotations

from dataclasses import dataclass

from shared.llm.model_limits import ModelLimits
from shared.llm.prompt_size import CHARS_PER_TOKEN

ANSWER_TOKENS = 1536
# A repair turn's correction: up to eight listed problems, each with the offending value, and the
# envelope of the echoed answer (shared/llm/tool_answer.py describe_validation_error).
REPAIR_TOKENS = 448
MIN_ANSWER_TOKENS = 128  # less than this and no analysis fits: the window is too small for parts
# A part's size when the window is unknown (a local model without LLM_CONTEXT_TOKENS): what one
# prompt carried before documents were cut into parts, so any document is still read whole.
DEFAULT_PART_CHARS = 60_000


@dataclass(frozen=True)
class PartBudget:
    part_chars: int | None  # None: no room for any part, the document goes whole (and is refused)
    max_output_tokens: int


def part_budget(limits: ModelLimits, fixed_tokens: int) -> PartBudget:
    """The budget of a document's parts when every prompt of it costs `fixed_tokens` besides its
    part of the document (system, wrapper, the answer's schema)."""
    answer = min(ANSWER_TOKENS, limits.max_output_tokens or ANSWER_TOKENS)
    window = limits.context_tokens
    if window is None:
        return PartBudget(DEFAULT_PART_CHARS, answer)
    free = window - fixed_tokens - REPAIR_TOKENS
    if free // 4 < MIN_ANSWER_TOKENS:
        return PartBudget(None, answer)
    answer = min(answer, free // 4)
    return PartBudget(int((free - 2 * answer) * CHARS_PER_TOKEN), answer)
