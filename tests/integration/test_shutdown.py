"""The gateway stops promptly, however soon after start-up it is asked to, and leaves nothing running."""
from __future__ import annotations

import asyncio

from services.gateway import bootstrap
from ops.local.nats_server import NatsServer
from tests.support.lifecycle import cancel_until_done
from tests.support.waiting import patient

STOP_TIMEOUT = 10.0
ATTEMPTS = 20


async def start_and_stop_soon(settings, round_trips: int) -> list[str]:
    """Start the gateway and stop it while its background tasks are still starting (a few database
    round trips later). Return the problems: a stop that hung, background tasks left running."""
    container = await bootstrap.start(settings)
    for _ in range(round_trips):
        await container.pool.fetchval("SELECT 1")
    stopping = asyncio.ensure_future(bootstrap.stop(container))
    done, _ = await asyncio.wait({stopping}, timeout=patient(STOP_TIMEOUT))
    problems = [] if done else [f"bootstrap.stop did not return within {patient(STOP_TIMEOUT):g}s"]
    problems += [f"task {t.get_name()} still running after stop" for t in container.tasks if not t.done()]
    for task in container.tasks:  # finish what stop() did not, so later tests are unaffected
        await cancel_until_done(task)
    await asyncio.wait_for(stopping, patient(STOP_TIMEOUT))
    return problems


async def test_gateway_stops_promptly_right_after_start(settings, tmp_path):
    """Regression: on Python 3.11 a cancel() landing while nats-py awaits an already-answered
    request (asyncio.wait_for) is swallowed; the janitor/projector then looped forever and
    bootstrap.stop never returned."""
    problems = []
    for attempt in range(ATTEMPTS):  # a fresh server each time, so start-up does all its work
        server = NatsServer(tmp_path / f"nats{attempt}").start()
        try:
            fresh = settings.model_copy(update={"nats_url": server.url})
            problems += await start_and_stop_soon(fresh, round_trips=attempt % 4)
        finally:
            server.stop()
    assert problems == [], f"{len(problems)} problems in {ATTEMPTS} shutdowns: {problems}"
