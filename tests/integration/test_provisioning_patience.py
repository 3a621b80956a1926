"""Provisioning against a real nats-server whose answers are late or lost (a busy machine): a step
whose answer timed out is asked again — done or not, every step is idempotent — until provisioning
completes, and a server that never answers in time still ends it, with the timeout."""
from __future__ import annotations

import pytest
from nats.errors import TimeoutError as NatsTimeout

from shared.bus.connection import connect
from shared.bus.provisioning import StreamSpec, missing_streams, provision


class LostAnswers:
    """The real JetStream context, except that the first `lose` stream creations are done by the
    server but their answers never reach the caller."""

    def __init__(self, js, lose: int) -> None:
        self._js, self.lose, self.created = js, lose, []

    def __getattr__(self, name):
        return getattr(self._js, name)

    async def add_stream(self, config=None, **params):
        created = await self._js.add_stream(config, **params)
        self.created.append(config.name)
        if self.lose > 0:
            self.lose -= 1
            raise NatsTimeout
        return created


class Unanswering(LostAnswers):
    """The real JetStream context, whose answers about streams never come in time."""

    async def stream_info(self, name, *args, **kwargs):
        raise NatsTimeout


async def test_a_creation_whose_answer_was_lost_is_found_done_and_provisioning_completes(nats_server):
    nc = await connect(nats_server.url, "provisioning-test")
    try:
        js, spec = nc.jetstream(), StreamSpec()
        lossy = LostAnswers(js, lose=1)
        await provision(lossy, spec)  # type: ignore[arg-type]  # the real context, answers lost
        assert lossy.created.count(spec.name) == 1, "the stream was created once; the second ask found it"
        assert await missing_streams(js, spec) == set()
    finally:
        await nc.close()


async def test_a_server_that_never_answers_in_time_ends_provisioning_with_the_timeout(nats_server):
    nc = await connect(nats_server.url, "provisioning-test")
    try:
        with pytest.raises(NatsTimeout):
            await provision(Unanswering(nc.jetstream(), lose=0), StreamSpec(), patience=0.5)  # type: ignore[arg-type]
    finally:
        await nc.close()
