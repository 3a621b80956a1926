"""What LLM calls cost at list prices, in USD. The prices are declared by each provider beside its
code (`prices` of its ProviderSpec, registered in shared/llm/providers.py). An estimate: a model
with no list price — a local model served through the OpenAI-compatible provider, or one not listed —
is *unpriced*: its calls count as costing 0, which the factory logs when it builds the provider and
a run's budget (shared/llm/budget.py) logs as a budget that does not bind; the offline engine costs 0."""
from __future__ import annotations

from shared.llm.providers import price_of

__all__ = ["cost_usd", "price_of"]


def cost_usd(usage) -> float:
    """What `usage` (a provider's Usage, or an event's) cost at its model's list price."""
    price = price_of(usage.model) if usage.provider != "offline" else None
    if price is None:  # unpriced: counted as free
        return 0.0
    counts = (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_creation_tokens)
    return sum(count * per_million for count, per_million in zip(counts, price)) / 1_000_000
