"""A user's quotas on the runs of their courses: the spend budget per calendar day (UTC) and the
runs in flight. Pure: what was spent and what runs are in flight are read by quotas.py.

The spend is what runs that succeeded reported (their usage at list prices); a run's own budget_usd
is what stops it, so every run is given one no larger than what is left of the day's budget. The
offline engine and unpriced models spend nothing, so neither the budget nor a cap of 0 stops them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from shared.events.catalogue import CourseGenerationRequested, DocsAnalysisRequested, PathwaysRequested

# The run requests that spend: each carries a budget_usd.
Command = TypeVar("Command", DocsAnalysisRequested, PathwaysRequested, CourseGenerationRequested)
# A run's end cannot be foreseen: the hint a refusal for runs in flight gives to try again.
IN_FLIGHT_RETRY_SECONDS = 30


class QuotaRefused(Exception):
    """The run may not start; `status` is the HTTP answer (429 come back later, 422 ask for less)."""

    def __init__(self, status: int, detail: str, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.retry_after = status, detail, retry_after


@dataclass(frozen=True)
class SpendDay:
    """The window a spend budget counts: the calendar day (UTC) of `now`."""
    start: datetime
    resets_at: datetime

    @classmethod
    def of(cls, now: datetime) -> "SpendDay":
        start = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(start, start + timedelta(days=1))

    def seconds_left(self, now: datetime) -> int:
        return max(1, math.ceil((self.resets_at - now).total_seconds()))


def run_budget(requested: float | None, limit: float, spent: float, day: SpendDay, now: datetime) -> float:
    """The budget_usd the run gets: what was asked, or what is left of the day's budget when
    nothing was. Refused when something was spent and nothing is left (429 until the day resets),
    or when more was asked than is left (422)."""
    left = max(0.0, limit - spent)
    resets = f"{day.resets_at:%Y-%m-%d %H:%M} UTC"
    if left <= 0 and spent > 0:
        raise QuotaRefused(429, f"the daily spend budget of {usd(limit)} per user (USER_BUDGET_USD) is used up: "
                                f"{usd(spent)} spent today (UTC); it resets at {resets}", day.seconds_left(now))
    if requested is not None and requested > left:
        raise QuotaRefused(422, f"budget_usd {requested:g} is more than is left of the daily spend budget of "
                                f"{usd(limit)} per user (USER_BUDGET_USD): {usd(left)} left, {usd(spent)} "
                                f"spent today (UTC); ask for at most {math.floor(left * 10_000) / 10_000:g}, "
                                f"or wait until it resets at {resets}")
    return left if requested is None else requested


def usd(amount: float) -> str:
    return f"${amount:.2f}" if amount >= 1 else f"${amount:.4f}"


def check_runs_in_flight(in_flight: int, cap: int) -> None:
    if in_flight >= cap:
        raise QuotaRefused(429, f"{in_flight} run(s) of the course owner's courses are in flight, the most one "
                                f"user may have (MAX_RUNS_IN_FLIGHT_PER_USER) is {cap}: wait for one to finish "
                                "(or cancel one), then start this one",
                           IN_FLIGHT_RETRY_SECONDS)


def capped(command: Command, cap: float) -> Command:
    """The run request with its budget no larger than `cap` (a retry inherits its run's budget,
    which may be more than is left now)."""
    own = command.payload.budget_usd
    budget = cap if own is None else min(own, cap)
    if budget == own:
        return command
    return command.model_copy(update={"payload": command.payload.model_copy(update={"budget_usd": budget})})
