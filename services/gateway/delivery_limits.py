"""How many deliveries each git hook may make: a token bucket per hook, in this process.

A forge sends one delivery per push; a flood to one hook's address (a loop in someone's CI, or a
stranger who learned the address) is refused before the course's history is read, and other hooks
are not slowed by it. Per replica: behind N replicas a hook gets up to N times the rate."""
from __future__ import annotations

import math
import time
from typing import Callable

# Hooks whose buckets are kept; the least recently used beyond this start again full.
_KEPT_HOOKS = 10_000


class DeliveryLimits:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate, self._burst, self._clock = per_minute / 60.0, float(per_minute), clock
        self._buckets: dict[str, tuple[float, float]] = {}  # hook -> (tokens, when counted)

    def take(self, hook_id: str) -> float:
        """0 when the delivery may go ahead (one token taken), else the seconds until it may."""
        now = self._clock()
        tokens, then = self._buckets.pop(hook_id, (self._burst, now))
        tokens = min(self._burst, tokens + (now - then) * self._rate)
        if tokens >= 1:
            tokens -= 1
            wait = 0.0
        else:
            wait = (1 - tokens) / self._rate
        self._buckets[hook_id] = (tokens, now)  # re-inserted: the dict's order is the use order
        if len(self._buckets) > _KEPT_HOOKS:
            del self._buckets[next(iter(self._buckets))]
        return wait


def retry_after(seconds: float) -> str:
    """Retry-After's value: whole seconds, at least one."""
    return str(max(1, math.ceil(seconds)))
