"""How one document is asked about: the prompts of its parts. The offline engine reads the parsed
document, never the prompt's text, so it gets one prompt for the whole document, as a model whose
window holds it does; a longer document is cut along its sections (parts.py) into parts that each
fit the window with room for the answer and a repair (budget.py)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.docs.model import ParsedDocument
from shared.llm.model_limits import ModelLimits
from shared.llm.prompt_size import prompt_tokens, schema_tokens
from shared.llm.provider import Prompt

from .budget import DEFAULT_PART_CHARS, part_budget
from .models import PROMPT_VERSION, DocumentAnalysis
from .parts import split_into_parts
from .prompts import CourseContext, analysis_prompt, fence_growth

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisPlan:
    prompts: list[Prompt]
    # What the cached analysis depends on besides the document and course: the prompt's version,
    # and for a document not sent whole as it always was, how many parts it was analysed in.
    version: str

    @property
    def parts(self) -> int:
        return len(self.prompts)


def analysis_plan(document: ParsedDocument, raw_text: str, course: CourseContext, limits: ModelLimits,
                  offline: bool) -> AnalysisPlan:
    if offline:
        return AnalysisPlan([analysis_prompt(document, raw_text, course)], PROMPT_VERSION)
    # The wrapper's size with the longest part numbers this document could have.
    most = len(raw_text) + 1
    fixed = prompt_tokens(analysis_prompt(document, "", course, (most, most))) + schema_tokens(DocumentAnalysis)
    budget = part_budget(limits, fixed)
    if budget.part_chars is None:
        log.warning("%s: the model's window of %s tokens leaves no room for any part of a document; it is "
                    "sent whole (and refused as too large)", document.path, limits.context_tokens)
        texts = [raw_text]
    else:
        # Fencing escapes each closing tag with one more character: at most one in eleven.
        room = budget.part_chars if not fence_growth(raw_text) else budget.part_chars * 10 // 11
        texts = split_into_parts(raw_text, room, document.format)
    if len(texts) == 1:
        version = PROMPT_VERSION if len(raw_text) <= DEFAULT_PART_CHARS else f"{PROMPT_VERSION};parts=1"
        return AnalysisPlan([analysis_prompt(document, raw_text, course, None, budget.max_output_tokens)], version)
    prompts = [analysis_prompt(document, text, course, (number, len(texts)), budget.max_output_tokens)
               for number, text in enumerate(texts, start=1)]
    return AnalysisPlan(prompts, f"{PROMPT_VERSION};parts={len(texts)}")
