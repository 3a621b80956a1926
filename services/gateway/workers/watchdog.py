"""Fails stage runs that started and then said nothing for longer than STAGE_TIMEOUT_SECONDS, so
no course stays STARTED forever. The decision goes through the command path (optimistic
concurrency), so several gateway replicas fail a run once, and a run that moved meanwhile is left."""
from __future__ import annotations

import asyncio
import logging

import asyncpg

from shared.bus.lifecycle import pause

from ..commands import CourseCommands
from ..domain.course import CourseNotFound
from ..domain.runs import StageConflict, time_out_stage
from ..projection.schema import checked

log = logging.getLogger(__name__)


async def silent_runs(pool: asyncpg.Pool, schema: str, timeout: float) -> list[asyncpg.Record]:
    s = checked(schema)
    return await pool.fetch(
        f"""SELECT course_id, stage, task_id FROM {s}.course_tasks
            WHERE status IN ('PENDING', 'STARTED', 'RETRY')
              AND last_activity_at < now() - make_interval(secs => $1) LIMIT 100""", timeout)


async def run_watchdog(pool: asyncpg.Pool, schema: str, commands: CourseCommands, timeout: float,
                       interval: float, stop: asyncio.Event) -> None:
    if timeout <= 0:
        return
    while not stop.is_set():
        try:
            for run in await silent_runs(pool, schema, timeout):
                await _time_out(commands, run, timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database or NATS is away: look again next round
            log.warning("watchdog round failed (%s); trying again", exc)
        await pause(stop, interval)


async def _time_out(commands: CourseCommands, run, timeout: float) -> None:
    try:
        await commands.execute(run["course_id"], lambda state: time_out_stage(
            state, run["stage"], run["task_id"], timeout))
    except (StageConflict, CourseNotFound):
        return  # it moved, finished or the course is gone meanwhile
    log.warning("failed %s of course %s: silent for more than %ss", run["stage"], run["course_id"], timeout)
