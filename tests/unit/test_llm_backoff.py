"""The retry policy of LLM providers: which statuses are retried, how long to wait, retry-after."""
from __future__ import annotations

import email.utils

import pytest

from shared.llm.retry_policy import backoff_delay, is_retryable_status, parse_retry_after


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 529])
def test_transient_statuses_are_retried(status):
    assert is_retryable_status(status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422])
def test_client_errors_are_not_retried(status):
    assert not is_retryable_status(status)


def test_the_ceiling_doubles_with_each_retry():
    ceilings = [backoff_delay(n, base_seconds=1.0, max_seconds=60.0, uniform=lambda: 1.0) for n in range(5)]
    assert ceilings == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_the_delay_never_exceeds_the_cap():
    assert backoff_delay(10, base_seconds=1.0, max_seconds=60.0, uniform=lambda: 1.0) == 60.0
    assert backoff_delay(20, base_seconds=1.0, max_seconds=5.0, uniform=lambda: 0.999) <= 5.0


def test_full_jitter_spreads_delays_over_zero_to_the_ceiling():
    assert backoff_delay(3, base_seconds=1.0, max_seconds=60.0, uniform=lambda: 0.0) == 0.0
    assert backoff_delay(3, base_seconds=1.0, max_seconds=60.0, uniform=lambda: 0.5) == 4.0
    delays = [backoff_delay(2, base_seconds=1.0, max_seconds=60.0) for _ in range(500)]
    assert all(0.0 <= delay <= 4.0 for delay in delays)
    assert len(set(delays)) > 400  # really random, not a fixed schedule


def test_retry_after_is_honoured_instead_of_the_backoff():
    assert backoff_delay(0, base_seconds=1.0, max_seconds=60.0, retry_after=7.0, uniform=lambda: 0.0) == 7.0
    assert backoff_delay(5, base_seconds=1.0, max_seconds=60.0, retry_after=0.0) == 0.0


def test_retry_after_is_capped_too():
    assert backoff_delay(0, base_seconds=1.0, max_seconds=60.0, retry_after=3600.0) == 60.0


def test_retry_after_in_seconds_milliseconds_or_as_a_date():
    now = 1_700_000_000.0
    assert parse_retry_after({"retry-after": "12"}, now) == 12.0
    assert parse_retry_after({"retry-after": "1.5"}, now) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}, now) == 0.25
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now) == pytest.approx(30.0, abs=1.0)


def test_unusable_retry_after_values():
    now = 1_700_000_000.0
    assert parse_retry_after({}, now) is None
    assert parse_retry_after({"retry-after": "soon"}, now) is None
    assert parse_retry_after({"retry-after": "nan"}, now) is None
    assert parse_retry_after({"retry-after": "-5"}, now) == 0.0
    assert parse_retry_after({"retry-after": email.utils.formatdate(now - 60, usegmt=True)}, now) == 0.0
