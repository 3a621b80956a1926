"""A run's spending cap (`budget_usd` of a start request): a call is made only when, even at its
most expensive — its prompt and its whole output limit, sent twice if a repair turn is needed —
it cannot take what the run has spent past the budget. Calls in flight hold their worst case as a
reservation, so concurrent calls cannot cross it together. An unpriced model (local, unknown: no
list price declared by its provider) costs nothing, so its budget never binds, and the log says so.
What was done before the stop is kept (stage 2's analyses are cached, stage 4's written modules are
reused by a retry), so raising the budget and retrying does not pay for it again."""
from __future__ import annotations

import logging

from shared.llm.provider import Completion, LLMProvider, Prompt, ProviderError, T
from shared.llm.prompt_size import prompt_tokens, schema_tokens
from shared.observability.pricing import cost_usd, price_of

log = logging.getLogger(__name__)


class BudgetExhausted(ProviderError):
    """The next call could cross the run's budget: it was not made. Never a fallback: the stage
    stops, keeping what it did, and says how to go on."""


class BudgetedProvider(LLMProvider):
    def __init__(self, inner: LLMProvider, budget_usd: float) -> None:
        self.inner, self.name, self.model, self.limits = inner, inner.name, inner.model, inner.limits
        self.budget_usd = budget_usd
        self.spent_usd = 0.0
        self._reserved = 0.0
        self._price = price_of(inner.model) if inner.name != "offline" else None
        if self._price is None and inner.name != "offline":
            log.info("the budget of $%.4f does not bind: the model %r has no list price, so its calls "
                     "count as costing 0", budget_usd, inner.model)

    def worst_case_usd(self, prompt: Prompt, schema: type[T]) -> float:
        if self._price is None:  # unpriced, or the offline engine: free
            return 0.0
        input_price, output_price = self._price.input, self._price.output
        output = min(prompt.max_output_tokens, self.limits.max_output_tokens or prompt.max_output_tokens)
        asked = prompt_tokens(prompt) + schema_tokens(schema)
        # The repair turn sends the prompt again with the first answer, and gets a second answer.
        return ((2 * asked + output) * input_price + 2 * output * output_price) / 1_000_000

    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        worst = self.worst_case_usd(prompt, schema)
        if self.spent_usd + self._reserved + worst > self.budget_usd:
            raise BudgetExhausted(
                f"the budget of ${self.budget_usd:.4f} would be crossed by the next {prompt.task} call (up to "
                f"${worst:.4f}; ${self.spent_usd:.4f} spent so far): raise budget_usd and retry — "
                f"what is done is kept and not paid for again")
        self._reserved += worst
        try:
            completion = await self.inner.complete(prompt, schema)
        except ProviderError as error:
            usage = getattr(error, "usage", None)
            self.spent_usd += cost_usd(usage) if usage is not None else 0.0
            raise
        finally:
            self._reserved -= worst
        self.spent_usd += cost_usd(completion.usage)
        return completion

    async def aclose(self) -> None:
        await self.inner.aclose()


def within_budget(provider: LLMProvider, budget_usd: float | None) -> LLMProvider:
    """`provider` capped at `budget_usd` for one run; as it is without a budget."""
    return provider if budget_usd is None else BudgetedProvider(provider, budget_usd)
