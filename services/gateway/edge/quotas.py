"""The quotas a route checks before it starts a run (the rules: domain/quotas.py). A run is charged
to the course's owner, whoever starts it (the owner, an admin, a refresh).

Both are read from the read tables, which every replica shares, so they hold across replicas — but
approximately: two starts answered at the same moment may both see room for one more run, and a
run's spend counts once its result is projected."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import asyncpg
from fastapi import HTTPException

from shared.stage.runs import RUNNING

from ..domain.quotas import QuotaRefused, SpendDay, check_runs_in_flight, run_budget
from ..projection.schema import checked


@dataclass(frozen=True)
class UserUsage:
    spent_usd: float
    runs_in_flight: int


async def usage_of(pool: asyncpg.Pool, schema: str, user_id: str, since: datetime) -> UserUsage:
    s = checked(schema)
    row = await pool.fetchrow(
        f"""SELECT (SELECT coalesce(sum(cost_usd), 0) FROM {s}.run_spend
                    WHERE user_id = $1 AND finished_at >= $2) AS spent,
                   (SELECT count(*) FROM {s}.course_tasks t JOIN {s}.courses c USING (course_id)
                    WHERE c.user_id = $1 AND t.status = ANY($3::text[])) AS in_flight""",
        user_id, since, list(RUNNING))
    return UserUsage(float(row["spent"]), int(row["in_flight"]))


async def allowed_budget(c, course: dict, requested: float | None) -> float:
    """The budget_usd a new run of `course` gets (domain/quotas.py `capped`), or the refusal: 429
    with Retry-After when its owner has too many runs in flight or has spent the day's budget, 422
    when more is asked than is left."""
    now = datetime.now(timezone.utc)
    day = SpendDay.of(now)
    usage = await usage_of(c.pool, c.settings.read_schema, course["user_id"], day.start)
    try:
        check_runs_in_flight(usage.runs_in_flight, c.settings.max_runs_in_flight_per_user)
        return run_budget(requested, c.settings.user_budget_usd, usage.spent_usd, day, now)
    except QuotaRefused as refused:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        raise HTTPException(refused.status, refused.detail, headers=headers) from None
