"""The gateway's token buckets (services/gateway/edge/rate_limit.py) on a clock the test moves."""
from __future__ import annotations

import pytest

from services.gateway.api.rate_limit import is_limited, requester
from services.gateway.edge.rate_limit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_then_the_next_waits_for_its_token():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)
    assert [buckets.take("alice") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("alice") == pytest.approx(1.0)  # one token a second
    clock.now += 0.5
    assert buckets.take("alice") == pytest.approx(0.5)
    clock.now += 0.5
    assert buckets.take("alice") == 0


def test_each_key_has_its_own_bucket_and_an_idle_one_refills_only_to_its_burst():
    clock = Clock()
    buckets = TokenBuckets(per_minute=6, burst=2, clock=clock)
    assert buckets.take("alice") == buckets.take("alice") == 0
    assert buckets.take("alice") == pytest.approx(10.0)
    assert buckets.take("bob") == 0
    clock.now += 3600
    assert [buckets.take("alice") for _ in range(3)][:2] == [0, 0]
    assert buckets.take("alice") > 0


def test_memory_stays_bounded_however_many_keys_come():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=1, clock=clock, max_keys=100)
    for n in range(1000):
        buckets.take(f"address:{n}")
    assert len(buckets._buckets) <= 100


def test_a_rate_limit_needs_a_rate():
    with pytest.raises(ValueError, match="per_minute"):
        TokenBuckets(per_minute=0, burst=1)


def test_only_the_api_is_limited_and_an_unverified_token_counts_as_its_address():
    def scope(path, headers=()):
        return {"path": path, "headers": list(headers), "client": ("203.0.113.9", 5000)}
    assert is_limited(scope("/api/projects/"))
    assert not any(is_limited(scope(p)) for p in ("/health", "/ready", "/metrics", "/", "/ui/app.js", "/docs"))
    made_up = scope("/api/projects/", [(b"authorization", b"Bearer not-a-token")])
    assert requester(made_up) == "address:203.0.113.9"
