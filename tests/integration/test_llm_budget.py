"""A run's budget_usd against the OpenAI-compatible provider and a local server that counts tokens:
calls are made while even their worst case fits what is left, the first that might cross it is not
made (BudgetExhausted, never an offline fallback), and what was spent never exceeds the budget —
also with calls in flight together. A model with no price is never stopped."""
from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel

from shared.llm.budget import BudgetExhausted, BudgetedProvider, within_budget
from shared.llm.fallback import FallbackProvider
from shared.llm.offline import OfflineProvider
from shared.llm.provider import Prompt
from shared.observability.pricing import cost_usd
from tests.support.openai_fixtures import OPENAI_TEST_KEY, openai_provider
from tests.support.openai_replies import answer
from tests.support.openai_server import FakeOpenAIServer


class Note(BaseModel):
    text: str


def noted(request):
    return answer({"text": "a short note"})


def prompt(n: int) -> Prompt:
    return Prompt(task="note", system="You write notes.", user=f"Write note {n}. " + "context " * 400,
                  max_output_tokens=256)


@pytest.fixture
def server():
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=noted) as llm:
        yield llm


async def test_the_call_that_could_cross_the_budget_is_not_made(server):
    async with openai_provider(server, openai_model="gpt-4o", openai_structured_output="json") as model:
        probe = BudgetedProvider(model, 1.0)
        worst = probe.worst_case_usd(prompt(0), Note)
        budget = 2.5 * worst
        capped = BudgetedProvider(model, budget)
        answered = []
        with pytest.raises(BudgetExhausted, match="raise budget_usd and retry"):
            for n in range(50):
                answered.append(await capped.complete(prompt(n), Note))
    assert len(server.requests) == len(answered) >= 2
    spent = sum(cost_usd(c.usage) for c in answered)
    assert spent == pytest.approx(capped.spent_usd) and 0 < spent <= budget
    assert budget - spent < worst  # stopped only when the next call's worst case no longer fitted


async def test_calls_in_flight_together_cannot_cross_it_together(server):
    async with openai_provider(server, openai_model="gpt-4o", openai_structured_output="json") as model:
        capped = BudgetedProvider(model, 2.5 * BudgetedProvider(model, 1.0).worst_case_usd(prompt(0), Note))
        results = await asyncio.gather(*(capped.complete(prompt(n), Note) for n in range(8)), return_exceptions=True)
    made = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, BudgetExhausted)]
    assert len(made) == 2 and len(refused) == 6 and len(server.requests) == 2
    assert capped.spent_usd <= capped.budget_usd


async def test_a_stop_for_budget_is_not_turned_into_an_offline_answer(server):
    async with openai_provider(server, openai_model="gpt-4o", openai_structured_output="json") as model:
        offline = OfflineProvider({"note": lambda data: Note(text="offline")})
        capped = within_budget(FallbackProvider(model, offline), 0.0)
        with pytest.raises(BudgetExhausted):
            await capped.complete(prompt(1), Note)
    assert server.requests == []


async def test_a_model_without_a_price_is_never_stopped(server):
    async with openai_provider(server, openai_model="my-local-model", openai_structured_output="json") as model:
        capped = within_budget(model, 0.0)
        for n in range(3):
            await capped.complete(prompt(n), Note)
    assert len(server.requests) == 3
