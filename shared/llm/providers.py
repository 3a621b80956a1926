"""The one registration of the LLM providers. Each provider's module declares everything about it
beside its code, in a `ProviderSpec` (shared/llm/provider.py); LLM_PROVIDER's values, the settings
classes (settings.py: the gateway's `LLMChoice`, the stage services' `LLMSettings`), the check that
the settings are usable, the factory (factory.py), the model limits (`known_limits`) and the list
prices (`price_of`; shared/observability/pricing.py, the estimates, a run's budget) all derive from
`PROVIDERS`. The three providers are written so: anthropic_provider.py is the example to follow.

A new provider is one module plus one line:
1. `shared/llm/<name>_provider.py`: the provider (implementing `LLMProvider.complete`; over HTTP,
   a `RemoteProvider` reusing retrying.py, the repair turn and the offline fallback), then
   - its settings as two `BaseSettings` classes of fields, each field's name its environment
     variable: `choice` (the model, read by the gateway too: never a key) and `settings` (keys as
     `SecretStr`, base URLs, options);
   - its validation: settings -> what they lack, said as what to set ("LLM_PROVIDER=<name> needs
     <NAME>_API_KEY"), or None;
   - `LIMITS` (model-name prefix -> context window, output limit) and `PRICES` (prefix -> `Price`,
     USD per million tokens). A model priced by no provider is *unpriced*: it costs 0, which the
     factory logs, a run's budget logs as not binding, and an estimate reports (`priced: false`);
   - `PROVIDER = ProviderSpec(...)` naming all of these and how to build the provider.
   Import its SDK inside the provider and its types under TYPE_CHECKING (as `LLMSettings`): every
   service's settings are built from this registry and must not load every SDK.
2. Its `PROVIDER` added to `PROVIDERS` below.
Outside the code: its variables in deploy/README.md's table (tests/deploy checks it) and its key
passed to the stage services as ANTHROPIC_API_KEY is (deploy/compose.yaml, deploy/k8s/). Test it
against a canned server (tests/support/openai_server.py). tests/unit/test_provider_registry.py
registers a throwaway provider (tests/support/echo_provider.py) to check that nothing else is
needed, and that no other module names a model provider."""
from __future__ import annotations

from shared.llm import anthropic_provider, offline, openai_provider
from shared.llm.model_limits import ModelLimits
from shared.llm.provider import Price, ProviderSpec, by_longest_prefix

PROVIDERS: tuple[ProviderSpec, ...] = (offline.PROVIDER, anthropic_provider.PROVIDER, openai_provider.PROVIDER)


def provider_names() -> tuple[str, ...]:
    return tuple(spec.name for spec in PROVIDERS)


def provider_named(name: str) -> ProviderSpec:
    for spec in PROVIDERS:
        if spec.name == name:
            return spec
    raise ValueError(f"unknown LLM provider {name!r}; use one of {', '.join(map(repr, provider_names()))}")


def price_of(model: str) -> Price | None:
    """`model`'s list price, over every provider's list (a model served by another endpoint, e.g. an
    OpenAI-compatible proxy, keeps its price), the longest matching prefix winning; None: unpriced
    (a local or unknown model — shared/observability/pricing.py says what that costs)."""
    return by_longest_prefix({prefix: price for spec in PROVIDERS for prefix, price in spec.prices.items()}, model)


def known_limits(model: str) -> ModelLimits:
    """`model`'s context window and output limit as its provider declares them; unknown: ModelLimits(None, None)."""
    limits = by_longest_prefix({prefix: pair for spec in PROVIDERS for prefix, pair in spec.limits.items()}, model)
    return ModelLimits(*limits) if limits else ModelLimits(None, None)
