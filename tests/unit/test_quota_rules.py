"""The per-user quotas' rules (services/gateway/domain/quotas.py): the spend day, a run's budget
within what is left, the cap on runs in flight."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.gateway.domain.quotas import (
    QuotaRefused, SpendDay, capped, check_runs_in_flight, run_budget,
)
from shared.events.catalogue import DocsAnalysisRequested

NOW = datetime(2025, 3, 4, 22, 30, tzinfo=timezone.utc)
DAY = SpendDay.of(NOW)


def test_the_spend_day_is_the_calendar_day_in_utc():
    assert DAY.start == datetime(2025, 3, 4, tzinfo=timezone.utc)
    assert DAY.resets_at == datetime(2025, 3, 5, tzinfo=timezone.utc)
    assert DAY.seconds_left(NOW) == 90 * 60


def test_a_run_without_a_budget_gets_what_is_left_and_one_with_a_budget_keeps_it():
    assert run_budget(None, 20.0, 5.0, DAY, NOW) == 15.0
    assert run_budget(3.0, 20.0, 5.0, DAY, NOW) == 3.0
    assert run_budget(15.0, 20.0, 5.0, DAY, NOW) == 15.0


def test_asking_for_more_than_is_left_is_refused_naming_the_limit_and_what_to_ask():
    with pytest.raises(QuotaRefused) as refused:
        run_budget(16.0, 20.0, 5.0, DAY, NOW)
    assert refused.value.status == 422 and refused.value.retry_after is None
    assert "$20.00 per user (USER_BUDGET_USD)" in refused.value.detail
    assert "$15.00 left" in refused.value.detail and "$5.00 spent today" in refused.value.detail
    assert "at most 15" in refused.value.detail


def test_a_spent_budget_is_a_429_until_the_day_resets():
    with pytest.raises(QuotaRefused) as refused:
        run_budget(None, 20.0, 20.5, DAY, NOW)
    assert refused.value.status == 429 and refused.value.retry_after == 90 * 60
    assert "$20.00" in refused.value.detail and "$20.50 spent" in refused.value.detail
    assert "resets at 2025-03-05 00:00 UTC" in refused.value.detail


def test_nothing_spent_never_refuses_so_the_offline_engine_runs_even_on_a_budget_of_zero():
    # Its runs cost 0, and a cap of 0 never stops a model without a price (shared/llm/budget.py).
    assert run_budget(None, 0.0, 0.0, DAY, NOW) == 0.0
    assert run_budget(0.0, 0.0, 0.0, DAY, NOW) == 0.0


def test_runs_in_flight_at_the_cap_are_refused_with_a_retry_hint():
    check_runs_in_flight(4, 5)
    with pytest.raises(QuotaRefused) as refused:
        check_runs_in_flight(5, 5)
    assert refused.value.status == 429 and refused.value.retry_after > 0
    assert "(MAX_RUNS_IN_FLIGHT_PER_USER) is 5" in refused.value.detail


def _request(budget):
    return DocsAnalysisRequested(course_id="c1", actor="alice", payload={
        "task_id": "t1", "complexity_level": "beginner", "budget_usd": budget})


def test_a_request_is_capped_at_what_is_left_and_a_smaller_budget_is_kept():
    assert capped(_request(None), 4.0).payload.budget_usd == 4.0
    assert capped(_request(9.0), 4.0).payload.budget_usd == 4.0  # a retry inherits a larger one
    kept = _request(2.0)
    assert capped(kept, 4.0) is kept
