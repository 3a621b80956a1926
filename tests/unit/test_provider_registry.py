"""A provider is one module plus one line in shared/llm/providers.py: LLM_PROVIDER's values, the
settings (the gateway's and the stage services'), the factory, the model limits and the prices all
come from the registered ProviderSpecs, and no other code names a model provider."""
from __future__ import annotations

import ast
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from shared.llm.budget import BudgetedProvider
from shared.llm.model_limits import ModelLimits
from shared.llm.provider import Prompt
from shared.llm.providers import PROVIDERS, price_of
from shared.llm.settings import LLMChoice
from tests.support.echo_provider import LIMITS, PRICE, Answer, EchoProvider

ROOT = Path(__file__).resolve().parents[2]

# Where a model provider's name may be written besides its own module and the registry, and why.
NAMED_ELSEWHERE = {
    "shared/events/examples.py": "an example event's recorded usage names the provider that spent it",
    "ops/local/llama_server.py": "it serves a local model for LLM_PROVIDER=openai, and says so to the services",
}


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("LLM_", "ANTHROPIC_", "OPENAI_", "ECHO_", "JWT_"))}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**inherited, **env},
                          capture_output=True, text=True, timeout=120)


def test_a_provider_declared_in_one_module_and_registered_once_is_used_everywhere():
    ran = _python("from tests.support.echo_provider import probe; probe()", LLM_PROVIDER="echo",
                  ECHO_MODEL="echo-large", ECHO_API_KEY="a-key",
                  JWT_SECRET="a-test-secret-that-is-long-enough-0123456789")
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout.splitlines()[-1])
    # The gateway (no keys) and a stage service both take LLM_PROVIDER=echo and its ECHO_MODEL, and the
    # model's window and output limit are the ones the provider declares.
    assert seen["gateway"] == seen["modules"] == ["echo", "echo-large", list(LIMITS)]
    assert "LLM_PROVIDER=echo needs ECHO_API_KEY" in seen["refused"]
    # The factory builds it, wrapped like every model provider in the offline fallback.
    assert seen["built"] == ["FallbackProvider", "EchoProvider", "echo-large"] and seen["answer"] == "hi"
    # Its prices: what a call cost, the estimate before a stage runs, a budget's worst case (which also
    # caps the output at the provider's declared limit).
    input_tokens, output_tokens = seen["usage"]
    assert seen["cost_usd"] == pytest.approx((input_tokens * PRICE.input + output_tokens * PRICE.output) / 1e6)
    priced, estimated_in, estimated_out, estimated_usd = seen["estimate"]
    assert priced and estimated_usd == pytest.approx(
        (estimated_in * PRICE.input + estimated_out * PRICE.output) / 1e6, abs=1e-6)
    output_cap = LIMITS[1]
    assert seen["worst_case_usd"] == pytest.approx(
        ((2 * seen["asked_tokens"] + output_cap) * PRICE.input + 2 * output_cap * PRICE.output) / 1e6)


def test_the_settings_are_built_without_importing_the_providers_sdks():
    ran = _python("import sys, services.gateway.settings, services.modules.settings, shared.observability.pricing;"
                  "print(sorted({'anthropic', 'openai'} & set(sys.modules)))")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]", "the SDKs load with the first provider built, not with the settings"


def test_no_model_provider_is_named_outside_its_module_and_the_registry():
    names = {spec.name for spec in PROVIDERS if spec.calls_a_model}
    assert names == {"anthropic", "openai"}
    own = {spec.model.__module__.replace(".", "/") + ".py" for spec in PROVIDERS} | {"shared/llm/providers.py"}
    assert own >= {"shared/llm/anthropic_provider.py", "shared/llm/openai_provider.py"}
    found = []
    for folder in ("shared", "services"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in own or relative in NAMED_ELSEWHERE:
                continue
            for node in ast.walk(ast.parse(path.read_text(), relative)):
                if isinstance(node, ast.Constant) and node.value in names:
                    found.append(f"{relative}:{node.lineno} {node.value!r}")
    assert not found, ("a provider's name outside its module: derive it from shared/llm/providers.py "
                       f"(or its ProviderSpec) instead: {found}")


def test_each_model_prefix_has_one_provider_so_a_lookup_over_all_is_unambiguous():
    for table in ("limits", "prices"):
        declared: dict[str, str] = {}
        for spec in PROVIDERS:
            for prefix in getattr(spec, table):
                assert prefix not in declared, f"{prefix!r}'s {table} declared by {declared[prefix]} and {spec.name}"
                declared[prefix] = spec.name


def test_every_provider_name_is_registered_once_and_the_default_among_them():
    names = [spec.name for spec in PROVIDERS]
    assert len(names) == len(set(names))
    assert LLMChoice.model_fields["llm_provider"].default in names


def test_an_unpriced_model_is_free_and_its_budget_says_it_does_not_bind(caplog):
    caplog.set_level(logging.INFO, logger="shared.llm.budget")
    unpriced = EchoProvider(SimpleNamespace(echo_model="a-local-model", model_limits=ModelLimits(None, None)))
    assert price_of(unpriced.model) is None
    budgeted = BudgetedProvider(unpriced, budget_usd=0.01)
    assert budgeted.worst_case_usd(Prompt("echo", "", "x" * 10_000), Answer) == 0.0
    assert "the budget of $0.0100 does not bind: the model 'a-local-model' has no list price" in caplog.text
