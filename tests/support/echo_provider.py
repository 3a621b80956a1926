"""A throwaway LLM provider declared the way the real ones are (one module: its settings, validation,
factory, limits and prices), and a probe that registers it in a fresh interpreter before anything
builds the settings — what one line in shared/llm/providers.py does — then reports what the system
made of it. tests/unit/test_provider_registry.py runs the probe:

    python -c "from tests.support.echo_provider import probe; probe()"
"""
from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings

from shared.llm.provider import Completion, LLMProvider, Price, Prompt, ProviderSpec, T, Usage

PRICE = Price(3.0, 7.0, 0.0, 0.0)
LIMITS = (4096, 700)


class EchoChoice(BaseSettings):
    echo_model: str = "echo-large"


class EchoSettings(BaseSettings):
    echo_api_key: SecretStr | None = None


class EchoProvider(LLMProvider):
    """Answers with the prompt's data, one token per character of the prompt and of the answer."""
    name = "echo"

    def __init__(self, settings: Any) -> None:
        self.model, self.limits = settings.echo_model, settings.model_limits

    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        value = schema.model_validate(prompt.data)
        usage = Usage(provider=self.name, model=self.model, input_tokens=len(prompt.user),
                      output_tokens=len(value.model_dump_json()))
        return Completion(value, usage)


PROVIDER = ProviderSpec(
    name=EchoProvider.name, model=lambda settings: settings.echo_model, choice=EchoChoice, settings=EchoSettings,
    problem=lambda settings: None if settings.echo_api_key else "LLM_PROVIDER=echo needs ECHO_API_KEY",
    build=EchoProvider, limits={"echo-": LIMITS}, prices={"echo-large": PRICE})


class Answer(BaseModel):
    text: str


def probe() -> None:
    """Register PROVIDER, then print (JSON) what the settings, factory, pricing and estimates make of
    it, with LLM_PROVIDER=echo, ECHO_MODEL and ECHO_API_KEY in the environment."""
    assert "shared.llm.settings" not in sys.modules, "the settings were built before the registration"
    from shared.llm import providers

    providers.PROVIDERS = (*providers.PROVIDERS, PROVIDER)

    from pydantic import ValidationError

    from services.gateway.settings import GatewaySettings
    from services.modules.settings import ModulesSettings
    from shared.llm.budget import BudgetedProvider
    from shared.llm.estimates import estimate_stage2
    from shared.llm.factory import build_provider
    from shared.llm.prompt_size import prompt_tokens, schema_tokens
    from shared.llm.settings import LLMSettings
    from shared.observability.pricing import cost_usd

    gateway, modules = GatewaySettings(), ModulesSettings()
    try:
        LLMSettings(llm_provider="echo", echo_api_key=None)
        refused = None
    except ValidationError as error:
        refused = str(error)
    provider = build_provider(modules, {})
    completion = asyncio.run(provider.complete(Prompt("echo", "", "twelve chars", {"text": "hi"}), Answer))
    estimate = estimate_stage2([5000], gateway.llm_provider, gateway.llm_model)
    asking = Prompt("echo", "", "x" * 300, max_output_tokens=10_000)
    print(json.dumps({
        "gateway": [gateway.llm_provider, gateway.llm_model, list(vars(gateway.model_limits).values())],
        "modules": [modules.llm_provider, modules.llm_model, list(vars(modules.model_limits).values())],
        "refused": refused,
        "built": [type(provider).__name__, type(getattr(provider, "inner", provider)).__name__, provider.model],
        "answer": completion.value.text,
        "usage": [completion.usage.input_tokens, completion.usage.output_tokens],
        "cost_usd": cost_usd(completion.usage),
        "estimate": [estimate.priced, estimate.input_tokens, estimate.output_tokens, estimate.cost_usd],
        "asked_tokens": prompt_tokens(asking) + schema_tokens(Answer),
        "worst_case_usd": BudgetedProvider(provider, 1.0).worst_case_usd(asking, Answer),
    }))
