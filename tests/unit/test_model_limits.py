"""A provider knows its model's window: LLM_CONTEXT_TOKENS/LLM_MAX_OUTPUT_TOKENS where set, else the
known figures of hosted models, else nothing (a local model's window is its server's to say)."""
from __future__ import annotations

from shared.llm.model_limits import ModelLimits
from shared.llm.providers import known_limits
from shared.llm.settings import LLMSettings


def test_known_hosted_models_have_their_windows_by_longest_prefix():
    assert known_limits("gpt-4o-mini-2024-07-18") == ModelLimits(128_000, 16_384)
    assert known_limits("claude-opus-4-5-20251101") == ModelLimits(200_000, 64_000)
    assert known_limits("claude-opus-4-1") == ModelLimits(200_000, 32_000)


def test_a_local_model_has_no_window_unless_told():
    local = LLMSettings(llm_provider="openai", openai_base_url="http://127.0.0.1:1/v1", openai_model="smollm2")
    assert local.model_limits == ModelLimits(None, None)
    told = LLMSettings(llm_provider="openai", openai_base_url="http://127.0.0.1:1/v1", openai_model="gpt-4o",
                       llm_context_tokens=8192, llm_max_output_tokens=512)
    assert told.model_limits == ModelLimits(8192, 512)


def test_the_offline_engine_is_unbounded():
    assert LLMSettings().model_limits == ModelLimits(None, None)
