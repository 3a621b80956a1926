"""Token buckets, one per key (a user, a client address): each holds up to `burst` requests and
refills at `per_minute`. Pure and in memory, so the limit is per gateway replica; the clock is a
parameter so a test can move time instead of waiting."""
from __future__ import annotations

import math
import time
from typing import Callable


class TokenBuckets:
    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs per_minute > 0 and burst >= 1")
        self.per_minute, self.burst, self._clock, self._max_keys = per_minute, burst, clock, max_keys
        self._per_second = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when they were counted)

    def take(self, key: str) -> float:
        """0 when the request may go (one token taken), else the seconds until a token is there."""
        now = self._clock()
        tokens = self._tokens(key, now)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            self._forget_idle(now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / self._per_second

    def _tokens(self, key: str, now: float) -> float:
        held = self._buckets.get(key)
        if held is None:
            return float(self.burst)
        tokens, at = held
        return min(float(self.burst), tokens + max(0.0, now - at) * self._per_second)

    def _forget_idle(self, now: float) -> None:
        """A full bucket is the same as none: dropped, so memory is bounded. Should more keys than
        `max_keys` be active at once, the longest-known go too (leniency, not unbounded memory), down
        to nine tenths so the sweep is not paid again on the next request."""
        if len(self._buckets) <= self._max_keys:
            return
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.burst]:
            del self._buckets[key]
        for key in list(self._buckets)[:max(0, len(self._buckets) - self._max_keys * 9 // 10)]:
            del self._buckets[key]


def retry_after(seconds: float) -> str:
    """Retry-After's value for a wait of `seconds`: whole seconds, at least one."""
    return str(max(1, math.ceil(seconds)))
