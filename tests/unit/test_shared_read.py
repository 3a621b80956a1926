"""SharedRead (services/gateway/reading/shared_read.py): callers that ask while a read is under way share
the next read, and no caller is ever given a value read before it asked."""
from __future__ import annotations

import asyncio

import pytest

from services.gateway.reading.shared_read import SharedRead
from tests.support.waiting import eventually


class Gated:
    """A read that returns how many reads began before it, once the test lets it finish."""

    def __init__(self) -> None:
        self.began = 0
        self.gates: list[asyncio.Event] = []
        self.fail_next: Exception | None = None

    async def read(self) -> int:
        self.began += 1
        number, gate = self.began, asyncio.Event()
        self.gates.append(gate)
        await gate.wait()
        if self.fail_next is not None:
            failure, self.fail_next = self.fail_next, None
            raise failure
        return number

    async def open(self, number: int) -> None:
        """Let read `number` finish (1-based), once it has begun."""
        await eventually(lambda: len(self.gates) >= number, timeout=5, message=f"read {number} beginning")
        self.gates[number - 1].set()


class Callers:
    """Callers of a SharedRead, each noted as it asks (the ask runs up to its wait in one step)."""

    def __init__(self, shared: SharedRead) -> None:
        self.shared, self.asked = shared, 0

    def ask(self) -> asyncio.Task:
        async def asking():
            self.asked += 1
            return await self.shared()
        return asyncio.create_task(asking())

    async def all_asked(self, count: int) -> None:
        await eventually(lambda: self.asked >= count, timeout=5, message=f"{count} callers asking")


async def test_callers_during_a_read_share_the_next_one_never_the_one_under_way():
    source = Gated()
    shared = SharedRead(source.read)
    callers = Callers(shared)
    first = callers.ask()
    await eventually(lambda: source.began == 1, timeout=5, message="read 1 under way")
    later = [callers.ask() for _ in range(20)]
    await callers.all_asked(21)
    await source.open(1)
    assert await first == 1
    await source.open(2)
    assert [await task for task in later] == [2] * 20  # read 2 began after they asked: one for all
    assert source.began == shared.reads == 2


async def test_callers_in_the_same_turn_share_one_read():
    source = Gated()
    shared = SharedRead(source.read)
    callers = [asyncio.create_task(shared()) for _ in range(10)]
    await source.open(1)
    assert [await task for task in callers] == [1] * 10
    assert source.began == 1


async def test_a_caller_alone_is_read_for_at_once():
    source = Gated()
    shared = SharedRead(source.read)
    for number in (1, 2, 3):
        caller = asyncio.create_task(shared())
        await source.open(number)
        assert await caller == number


async def test_a_failed_read_fails_its_callers_and_the_next_read_is_made():
    source = Gated()
    shared = SharedRead(source.read)
    callers = Callers(shared)
    source.fail_next = ConnectionError("the database went away")
    first = callers.ask()
    await eventually(lambda: source.began == 1, timeout=5, message="read 1 under way")
    waiting = callers.ask()
    await callers.all_asked(2)
    await source.open(1)
    with pytest.raises(ConnectionError):
        await first
    await source.open(2)
    assert await waiting == 2


async def test_a_cancelled_caller_does_not_cancel_the_read_for_the_others():
    source = Gated()
    shared = SharedRead(source.read)
    callers = Callers(shared)
    leaving, staying = callers.ask(), callers.ask()
    await callers.all_asked(2)
    leaving.cancel()
    await source.open(1)
    assert await staying == 1
    assert leaving.cancelled()
