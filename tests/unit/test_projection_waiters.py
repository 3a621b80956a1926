"""Waiting for the projection to reach a position (Projector.wait_for): each waiter is woken by the
first advance that reaches its position, not before, and a waiter that gave up is skipped."""
from __future__ import annotations

import asyncio

from services.gateway.projection.projector import Projector
from tests.support.waiting import eventually


def projector() -> Projector:
    return Projector(js=None, pool=None, schema="coursegen")  # type: ignore[arg-type]  # no I/O here


async def test_an_advance_wakes_exactly_the_waiters_it_reaches():
    p = projector()
    waiting = [(seq, asyncio.create_task(p.wait_for(seq, 30))) for seq in (5, 2, 9, 2, 7)]
    await eventually(lambda: p.waiting == 5, 5, "every waiter registered")

    async def woken_by(position: int) -> set[int]:
        await p._advance(position)
        reached = [task for seq, task in waiting if seq <= position]
        assert all(await asyncio.gather(*reached))
        return {seq for seq, task in waiting if task.done()}
    assert await woken_by(4) == {2}
    assert await woken_by(7) == {2, 5, 7}
    assert await woken_by(3) == {2, 5, 7} and p.position == 7, "a position never goes back"
    assert await woken_by(100) == {2, 5, 7, 9}
    assert await p.wait_for(50, 0.01), "a position already reached answers at once"


async def test_a_waiter_that_timed_out_is_skipped_and_the_rest_still_woken():
    p = projector()
    assert not await p.wait_for(3, 0.01)
    later = asyncio.create_task(p.wait_for(3, 30))
    await eventually(lambda: p.waiting == 1, 5, "the waiter registered")
    await p._advance(3)
    assert await later
