"""The CPU lane (shared/cpu_lane.py): one job at a time, in order, with the caller's context; work
asked from the lane is done in place; a job cancelled before it starts never runs."""
from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from shared import cpu_lane
from shared.cpu_lane import on_cpu_lane

pytestmark = pytest.mark.asyncio
WHO = contextvars.ContextVar("who", default="nobody")


async def test_jobs_never_overlap_and_finish_in_the_order_asked():
    running, most, order = [0], [0], []
    lock = threading.Lock()

    def job(number: int) -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        total = sum(range(20_000))  # long enough for another thread to run meanwhile, were there one
        with lock:
            running[0] -= 1
            order.append(number)
        return number + total * 0

    answers = await asyncio.gather(*(on_cpu_lane(job, n) for n in range(24)))
    assert answers == list(range(24))
    assert most[0] == 1
    assert order == list(range(24))


async def test_the_callers_context_variables_are_seen_by_the_job():
    WHO.set("stage 4")
    assert await on_cpu_lane(WHO.get) == "stage 4"


async def test_work_asked_from_the_lane_is_done_in_place_not_waited_for():
    def outer() -> tuple[bool, int]:
        return cpu_lane.on_the_lane(), cpu_lane.submit(lambda: 41 + 1).result(timeout=30)

    assert await on_cpu_lane(outer) == (True, 42)
    assert not cpu_lane.on_the_lane()


async def test_a_failure_is_raised_to_the_caller():
    def fails() -> None:
        raise ValueError("unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        await on_cpu_lane(fails)


async def test_a_job_cancelled_before_it_starts_never_runs():
    started, release, ran = threading.Event(), threading.Event(), []

    def hold() -> None:
        started.set()
        release.wait(30)

    holding = asyncio.ensure_future(on_cpu_lane(hold))
    await asyncio.to_thread(started.wait, 30)
    queued = asyncio.wrap_future(cpu_lane.submit(ran.append, "ran"))  # as on_cpu_lane waits for it
    queued.cancel()  # passed on to the lane's queue by a callback the loop runs next, so:
    asyncio.get_running_loop().call_soon(release.set)  # the lane goes on only after it
    await holding
    await on_cpu_lane(lambda: None)  # the lane has gone past the place the cancelled job had
    assert queued.cancelled()
    assert ran == []
