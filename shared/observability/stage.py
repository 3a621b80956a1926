"""A stage service's observability: metrics and health of its deliveries, served with the
consumer's backlog on its own port (METRICS_PORT; 0 picks a free one, logged at start). /health says
the process is alive and connected; /ready, in addition, that its consumer is subscribed (its
start-up requests to JetStream are over), so whoever waits for /ready sees a service at work."""
from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Iterator

from prometheus_client import CONTENT_TYPE_LATEST
from nats.js import JetStreamContext

from shared.events import Event
from shared.events.catalogue import StageFailed
from shared.stage.runs import REQUESTS

from .consumers import ConsumerGauges
from .context import DeliveryScope, delivery_scope
from .health import WorkerHealth
from .metrics import exposition, metrics
from .server import OpsServer, json_body

log = logging.getLogger(__name__)
CONSUMED = {"ack": "ack", "nak": "retry", "term": "dead_letter"}  # Verdict values -> outcome labels


@dataclass
class Observed:
    """Filled in by the delivery: its verdict's value ("ack", "nak", "term"); None if it raised."""
    verdict: str | None = None


def stage_outcome(verdict: str | None, scope: DeliveryScope) -> str:
    if verdict == "ack":
        return "failed" if StageFailed.type_name() in scope.published else "succeeded"
    return "dead_letter" if verdict == "term" else "retry"


class StageObservability:
    def __init__(self, service: str, request: type[Event], host: str, port: int,
                 refresh_seconds: float) -> None:
        self.service, self.event_type = service, request.type_name()
        self._refresh_seconds = refresh_seconds
        self.stage = REQUESTS.get(request, service)
        self.health, self.metrics = WorkerHealth(service), metrics()
        self._host, self._port = host, port
        self._server: OpsServer | None = None
        self._gauges: ConsumerGauges | None = None
        self._connected = lambda: False
        self._subscribed = False
        self.address: str | None = None

    async def start(self, nc, js: JetStreamContext, stream: str) -> str:
        self._connected = lambda: nc.is_connected
        self._gauges = ConsumerGauges(js, stream, self.service, self.metrics, self._refresh_seconds)
        self._server = OpsServer({"/metrics": self._metrics_page, "/health": self._health_page,
                                  "/ready": self._ready_page},
                                 self._host, self._port)
        self.address = await self._server.start()
        log.info("%s serves /metrics, /health and /ready at %s", self.service, self.address)
        return self.address

    def subscribed(self) -> None:
        """The consumer is subscribed: from now on /ready answers 200 while NATS is connected."""
        self._subscribed = True

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()

    @contextlib.contextmanager
    def delivery(self) -> Iterator[Observed]:
        observed, started = Observed(), time.perf_counter()
        self.health.begin()
        outcome = "retry"
        try:
            with delivery_scope() as scope:
                yield observed
                outcome = stage_outcome(observed.verdict, scope)
        finally:
            self.health.end(outcome)
            self.metrics.stage_duration.labels(self.stage, outcome).observe(time.perf_counter() - started)
            self.metrics.consumed_one(self.event_type, CONSUMED.get(observed.verdict or "nak", "retry"))

    async def _metrics_page(self) -> tuple[int, str, bytes]:
        if self._gauges is not None:
            await self._gauges.refresh()
        return 200, CONTENT_TYPE_LATEST, exposition()

    async def _health_page(self) -> tuple[int, str, bytes]:
        connected = self._connected()
        return json_body(200 if connected else 503, self.health.report(connected))

    async def _ready_page(self) -> tuple[int, str, bytes]:
        connected = self._connected()
        body = {**self.health.report(connected), "subscribed": self._subscribed}
        return json_body(200 if connected and self._subscribed else 503, body)
