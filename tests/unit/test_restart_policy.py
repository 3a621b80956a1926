"""The launcher's restart policy: exponential backoff with a cap, a crash loop given up on, and
restarts forgiven once they are older than the window."""
from __future__ import annotations

import pytest

from ops.supervisor import GiveUp, Restart, RestartPolicy, RestartTracker


def test_delays_double_from_the_first_and_stop_at_the_cap():
    tracker = RestartTracker(RestartPolicy(first_delay=1, factor=2, max_delay=5, max_restarts=10, window=60))
    decisions = [tracker.exited(now=float(second)) for second in range(6)]
    assert [d.delay for d in decisions] == [1, 2, 4, 5, 5, 5]
    assert [d.attempt for d in decisions] == [1, 2, 3, 4, 5, 6]


def test_one_exit_more_than_the_allowed_restarts_within_the_window_is_a_crash_loop():
    tracker = RestartTracker(RestartPolicy(max_restarts=3, window=60))
    assert all(isinstance(tracker.exited(now=t), Restart) for t in (0, 1, 2))
    verdict = tracker.exited(now=3)
    assert isinstance(verdict, GiveUp) and "4 times within 60s" in verdict.reason
    assert tracker.given_up


def test_the_default_policy_reaches_its_cap_then_gives_up_on_a_service_that_exits_at_once():
    tracker, now, delays = RestartTracker(), 0.0, []
    while isinstance(decision := tracker.exited(now), Restart):
        delays.append(decision.delay)
        now += decision.delay + 1.0  # each start-up fails after a second
    assert delays == [0.5, 1, 2, 4, 8] and delays[-1] == RestartPolicy().max_delay
    assert "6 times within 60s" in decision.reason


def test_a_service_given_up_on_stays_given_up():
    tracker = RestartTracker(RestartPolicy(max_restarts=0, window=10))
    assert isinstance(tracker.exited(now=0), GiveUp)
    assert isinstance(tracker.exited(now=1000), GiveUp)


def test_exits_spread_wider_than_the_window_never_make_a_crash_loop_and_reset_the_backoff():
    tracker = RestartTracker(RestartPolicy(first_delay=0.5, factor=2, max_delay=15, max_restarts=2, window=60))
    decisions = [tracker.exited(now=t) for t in (0, 61, 122, 183, 244)]
    assert all(isinstance(d, Restart) for d in decisions)
    assert {d.delay for d in decisions} == {0.5}


def test_only_the_restarts_within_the_window_count():
    tracker = RestartTracker(RestartPolicy(first_delay=1, factor=2, max_delay=100, max_restarts=2, window=60))
    assert tracker.exited(now=0).delay == 1
    assert tracker.exited(now=50).delay == 2
    # The restart at 0 has left the window: one restart (at 50) counts, so no crash loop yet.
    later = tracker.exited(now=70)
    assert isinstance(later, Restart) and later.delay == 2 and later.attempt == 2
    assert isinstance(tracker.exited(now=80), GiveUp)


@pytest.mark.parametrize("bad", [dict(first_delay=-1), dict(factor=0.5), dict(first_delay=10, max_delay=1),
                                 dict(max_restarts=-1), dict(window=0)])
def test_a_policy_that_makes_no_sense_is_refused(bad):
    with pytest.raises(ValueError):
        RestartPolicy(**bad)
