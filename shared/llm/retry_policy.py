"""When to retry a provider request and how long to wait first: pure functions, so the policy is
unit-testable without a network or a clock."""
from __future__ import annotations

import email.utils
import random
import time
from typing import Callable, Mapping

# 408 is a request timeout reported by a proxy; 429 is rate limiting; 529 (overloaded) and every
# other 5xx are the server's trouble, not ours, so the same request may well succeed later.
RETRYABLE_STATUSES = frozenset({408, 429} | set(range(500, 600)))

# 2**30 seconds is already centuries; a larger exponent only risks float overflow.
_MAX_EXPONENT = 30


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, from `retry-after-ms`, or `retry-after` as seconds or
    as an HTTP date; None when absent or unreadable. Never negative."""
    milliseconds = _as_float(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return max(milliseconds / 1000.0, 0.0)
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _as_float(value)
    if seconds is not None:
        return max(seconds, 0.0)
    return _seconds_until_http_date(value, time.time() if now is None else now)


def backoff_delay(retry_number: int, base_seconds: float, max_seconds: float,
                  retry_after: float | None = None,
                  uniform: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry `retry_number` (0 for the first retry).

    The server's `retry-after` wins when given (it knows when capacity returns), but never beyond
    `max_seconds`. Otherwise exponential backoff with full jitter: uniform in
    [0, min(max_seconds, base * 2**retry_number)], which spreads out clients that failed together."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), max_seconds)
    ceiling = min(max_seconds, base_seconds * 2.0 ** min(max(retry_number, 0), _MAX_EXPONENT))
    return uniform() * ceiling


def _as_float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def _seconds_until_http_date(value: str, now: float) -> float | None:
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return max(email.utils.mktime_tz(parsed) - now, 0.0)
