"""A stage service, declared: its name, the request it consumes, its settings and how to build its
handler. Its `main` is the whole process (`services/<stage>/main.py` only declares one)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from nats.js import JetStreamContext

from shared.bus.delivery import StageWork
from shared.bus.eventstore import EventStore
from shared.freed_memory import return_freed_blocks
from shared.stage.app import run_stage_service
from shared.events import Event
from shared.settings import ServiceSettings
from shared.stage.emitter import StageEmitter
from shared.stage.runs import REQUESTS

# Builds a service's work once the backbone is up: its adapters need the JetStream context, and it
# speaks through the emitter the kit made for it.
Handler = Callable[[JetStreamContext, Any, StageEmitter], Awaitable[StageWork]]


@dataclass(frozen=True)
class StageService:
    name: str  # the actor of every event it emits
    request: type[Event]
    settings: Callable[[], ServiceSettings]
    handler: Handler

    @property
    def stage(self) -> str:
        return REQUESTS[self.request]

    def main(self) -> None:
        return_freed_blocks()
        settings = self.settings()

        async def make_handler(js: JetStreamContext) -> StageWork:
            emitter = StageEmitter(EventStore(js, settings.stream_name), self.name, self.stage)
            return await self.handler(js, settings, emitter)

        # The durable consumer is named after SERVICE_NAME (its default is `name`; NATS permissions use it).
        run_stage_service(settings.service_name, self.request, make_handler, settings)
