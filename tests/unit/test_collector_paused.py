"""The projector pauses the cyclic garbage collector while it decodes or applies a batch
(projector.collector_paused): paused inside, resumed after — also when the block fails or awaits —
and, nested, resumed only by the outermost; never resumed if it was off before."""
from __future__ import annotations

import asyncio
import gc

import pytest

from services.gateway.projection.projector import collector_paused


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_resumed_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resumed_when_the_block_fails():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a batch PostgreSQL refused")
    assert gc.isenabled()


def test_nested_only_the_outermost_resumes_it():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner block resumed the collector inside the outer one"
    assert gc.isenabled()


def test_left_off_when_it_was_off_before():
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


async def test_resumed_after_a_block_that_awaits_and_is_cancelled():
    started = asyncio.Event()

    async def batch():
        with collector_paused():
            started.set()
            await asyncio.Event().wait()  # a batch waiting for PostgreSQL when the projector stops

    task = asyncio.create_task(batch())
    await started.wait()
    assert not gc.isenabled()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gc.isenabled()
