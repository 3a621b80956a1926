"""shared/llm/estimates.py: tokens and list price of stage 2 and stage 4 before they run."""
from __future__ import annotations

import pytest

from shared.llm.estimates import (
    CHARS_PER_TOKEN, STAGE2_ANSWER_LIMIT, STAGE2_ANSWER_TOKENS, STAGE2_PART_CHARS, STAGE2_PROMPT_TOKENS,
    STAGE2_REPAIR_LIMIT, STAGE4_MAX_OUTPUT_TOKENS, estimate_stage2, estimate_stage4,
)
from shared.observability.pricing import price_of


def test_stage2_counts_each_document_with_its_prompt_and_answer_and_prices_it():
    sizes = [3130, 6260]
    estimate = estimate_stage2(sizes, "openai", "gpt-4.1-mini")
    assert estimate.items == 2 and estimate.cached_items == 0
    assert estimate.input_tokens == 2 * STAGE2_PROMPT_TOKENS + round(9390 / CHARS_PER_TOKEN)
    assert estimate.output_tokens == 2 * STAGE2_ANSWER_TOKENS
    price_in, price_out, _, _ = price_of("gpt-4.1-mini")
    expected = (estimate.input_tokens * price_in + estimate.output_tokens * price_out) / 1e6
    assert estimate.cost_usd == pytest.approx(expected, abs=1e-6) and estimate.cost_usd > 0
    assert estimate.priced and (estimate.provider, estimate.model) == ("openai", "gpt-4.1-mini")


def test_cache_hits_are_free():
    whole = estimate_stage2([1000] * 4, "anthropic", "claude-sonnet-4-5")
    half = estimate_stage2([1000] * 4, "anthropic", "claude-sonnet-4-5", cached_items=2)
    assert half.items == 4 and half.cached_items == 2
    assert half.input_tokens == round(whole.input_tokens / 2) and half.output_tokens == whole.output_tokens // 2
    assert half.cost_usd == pytest.approx(whole.cost_usd / 2, rel=1e-3)
    everything = estimate_stage2([1000] * 4, "anthropic", "claude-sonnet-4-5", cached_items=9)
    assert everything.cached_items == 4 and everything.cost_usd == 0 and everything.input_tokens == 0


def test_a_document_longer_than_a_part_carries_the_prompt_and_an_answer_once_per_part():
    one = estimate_stage2([STAGE2_PART_CHARS], "openai", "gpt-4o")
    two = estimate_stage2([STAGE2_PART_CHARS + 1], "openai", "gpt-4o")
    assert two.input_tokens - one.input_tokens == pytest.approx(STAGE2_PROMPT_TOKENS, abs=1)
    assert two.output_tokens == 2 * one.output_tokens == 2 * STAGE2_ANSWER_TOKENS


def test_a_model_without_a_list_price_costs_nothing_and_says_why():
    estimate = estimate_stage2([5000], "openai", "smollm2-135m-instruct")
    assert not estimate.priced and estimate.cost_usd == 0 and estimate.input_tokens > 0
    assert "No list price for 'smollm2-135m-instruct'" in estimate.note


def test_the_offline_engine_calls_no_model():
    for estimate in (estimate_stage2([5000], "offline", "offline-engine"),
                     estimate_stage4([[5000]], "offline", "offline-engine")):
        assert not estimate.priced and estimate.cost_usd == 0
        assert estimate.input_tokens == estimate.output_tokens == 0 and estimate.items == 1
        assert "no model is called" in estimate.note


def test_no_documents_is_nothing():
    estimate = estimate_stage2([], "openai", "gpt-4o")
    assert (estimate.items, estimate.input_tokens, estimate.output_tokens, estimate.cost_usd) == (0, 0, 0, 0)


def test_stage4_counts_one_request_per_module_with_its_sources():
    small = estimate_stage4([[2000], [1000, 1000]], "anthropic", "claude-haiku-4-5")
    assert small.items == 2 and small.cached_items == 0 and small.priced
    assert small.output_tokens <= 2 * STAGE4_MAX_OUTPUT_TOKENS
    larger = estimate_stage4([[20000], [1000, 1000]], "anthropic", "claude-haiku-4-5")
    assert larger.input_tokens > small.input_tokens and larger.cost_usd > small.cost_usd


def test_stage4_sources_are_capped_however_large_the_documents():
    huge = estimate_stage4([[10_000_000]], "openai", "gpt-4o")
    large = estimate_stage4([[1_000_000]], "openai", "gpt-4o")
    assert huge.input_tokens == large.input_tokens
    assert "1 modules' sources cut" in huge.note


def test_stage4_on_a_small_window_sends_less_and_answers_within_it():
    unbounded = estimate_stage4([[200_000]], "openai", "local-model")
    window = 8192
    fitted = estimate_stage4([[200_000]], "openai", "local-model", context_tokens=window)
    assert fitted.input_tokens < unbounded.input_tokens
    assert fitted.input_tokens + fitted.output_tokens <= window
    assert not fitted.priced and "the window" in fitted.note


def test_history_of_the_model_brings_its_repair_turns_and_answer_length_into_the_estimate():
    from shared.llm.estimates import REPAIR_NOTE_TOKENS, ModelHistory
    sizes = [3000, 6000]
    plain = estimate_stage2(sizes, "openai", "gpt-4o")
    twice = estimate_stage2(sizes, "openai", "gpt-4o", history=ModelHistory(10, 20, 20 * 80))
    assert twice.output_tokens == 2 * 2 * 80  # two documents, two requests each, 80 tokens an answer
    assert abs(twice.input_tokens - (plain.input_tokens * 2 + 2 * (80 + REPAIR_NOTE_TOKENS))) <= 1
    too_little = estimate_stage2(sizes, "openai", "gpt-4o", history=ModelHistory(2, 4, 400))
    assert too_little == plain  # two documents say too little to go by


def test_an_output_cap_bounds_the_answer():
    capped = estimate_stage2([3000], "openai", "gpt-4o", answer_cap=64)
    assert capped.output_tokens == 64


def test_a_one_off_in_one_document_does_not_count_for_every_document():
    from shared.llm.estimates import ModelHistory
    # The first document also carried the two requests of the structured-output probe.
    history = ModelHistory.of_documents([(4, 160), (2, 140), (2, 150)])
    assert history.calls_per_document == 2 and history.usable
    assert round(history.output_per_call) == round(450 / 8)


def test_without_history_stage2_is_a_range_up_to_every_try_repaired_at_the_answer_limit():
    sizes = [3130, STAGE2_PART_CHARS + 1]  # three parts
    prompts = 3 * STAGE2_PROMPT_TOKENS + sum(sizes) / CHARS_PER_TOKEN
    one_try = estimate_stage2(sizes, "openai", "gpt-4.1-mini")
    assert one_try.input_tokens == round(prompts) and one_try.output_tokens == 3 * STAGE2_ANSWER_TOKENS
    # One try: the request and its repair turn, which resends the prompt with the answer and the correction.
    assert one_try.high.output_tokens == 3 * 2 * STAGE2_ANSWER_LIMIT
    assert one_try.high.input_tokens == round(2 * prompts + 3 * (STAGE2_ANSWER_LIMIT + STAGE2_REPAIR_LIMIT))
    # Each further try can be lost after its first request: the prompt and an answer more per part.
    three = estimate_stage2(sizes, "openai", "gpt-4.1-mini", attempts=3)
    assert three.high.output_tokens == 3 * 4 * STAGE2_ANSWER_LIMIT
    assert abs(three.high.input_tokens - one_try.high.input_tokens - 2 * prompts) <= 1
    assert (three.input_tokens, three.output_tokens, three.cost_usd) == (
        one_try.input_tokens, one_try.output_tokens, one_try.cost_usd)  # the low end is one request
    price_in, price_out, _, _ = price_of("gpt-4.1-mini")
    expected = (three.high.input_tokens * price_in + three.high.output_tokens * price_out) / 1e6
    assert three.high.cost_usd == pytest.approx(expected, abs=1e-6) and three.high.cost_usd > three.cost_usd
    assert "DOCUMENT_ATTEMPTS=3" in three.note and "4 requests" in three.note


def test_the_range_follows_the_output_cap_and_the_cache_and_is_none_where_the_figure_is_known():
    from shared.llm.estimates import ModelHistory
    capped = estimate_stage2([3000], "openai", "smollm2-135m-instruct", answer_cap=64, attempts=2)
    assert capped.high.output_tokens == 3 * 64 and capped.high.cost_usd == 0 and not capped.priced
    cached = estimate_stage2([1000] * 4, "openai", "gpt-4o", cached_items=4, attempts=2)
    assert (cached.high.input_tokens, cached.high.output_tokens, cached.high.cost_usd) == (0, 0, 0)
    known = estimate_stage2([3000] * 3, "openai", "gpt-4o", history=ModelHistory(10, 20, 20 * 80), attempts=2)
    assert known.high is None  # the model's own history says what to expect
    assert estimate_stage2([3000], "offline", "offline-engine", attempts=2).high is None
    assert estimate_stage4([[5000]], "openai", "gpt-4o").high is None
