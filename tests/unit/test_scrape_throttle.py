"""Throttle: reads made on a scrape, at most one per interval (issue 15). The clock is a plain
number the test moves; the reads are real coroutines counted where they run."""
from __future__ import annotations

import asyncio

import pytest

from shared.observability.throttle import Throttle


class Source:
    def __init__(self) -> None:
        self.reads, self.fail, self.gate = 0, False, asyncio.Event()
        self.gate.set()

    async def read(self) -> int:
        self.reads += 1
        await self.gate.wait()
        if self.fail:
            raise ConnectionError("NATS unavailable")
        return self.reads


async def test_reads_within_the_interval_share_one_read_and_a_later_one_reads_again():
    now, source = [100.0], Source()
    throttle = Throttle(5.0, clock=lambda: now[0])
    assert [await throttle.read(source.read) for _ in range(10)] == [1] * 10
    now[0] += 4.9
    assert await throttle.read(source.read) == 1
    now[0] += 0.1
    assert await throttle.read(source.read) == 2 and source.reads == 2


async def test_callers_during_a_read_in_flight_wait_for_it_and_a_cancelled_one_does_not_stop_it():
    source = Source()
    source.gate.clear()
    throttle = Throttle(5.0, clock=lambda: 0.0)
    waiting = [asyncio.create_task(throttle.read(source.read)) for _ in range(20)]
    await asyncio.sleep(0)  # every caller is now waiting on the one read
    waiting[0].cancel()
    source.gate.set()
    results = await asyncio.gather(*waiting[1:])
    assert results == [1] * 19 and source.reads == 1


async def test_a_failed_read_is_the_answer_until_the_interval_passes():
    now, source = [0.0], Source()
    source.fail = True
    throttle = Throttle(5.0, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(ConnectionError):
            await throttle.read(source.read)
    assert source.reads == 1  # a failing server is not asked again on every scrape
    source.fail, now[0] = False, 5.0
    assert await throttle.read(source.read) == 2
