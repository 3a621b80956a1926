"""The durable consumer's backlog as gauges, read from JetStream's consumer info when scraped
(at most once per `interval`, however many scrapes come, so a busy scraper does not load NATS)."""
from __future__ import annotations

import logging

from nats.js import JetStreamContext

from .metrics import Metrics
from .throttle import Throttle

log = logging.getLogger(__name__)


class ConsumerGauges:
    def __init__(self, js: JetStreamContext, stream: str, consumer: str, metrics: Metrics,
                 interval: float, timeout: float = 2.0) -> None:
        self._js, self._stream, self._consumer, self._metrics = js, stream, consumer, metrics
        self._timeout = timeout
        self._reads = Throttle(interval)

    async def refresh(self) -> None:
        try:
            info = await self._reads.read(self._consumer_info)
        except Exception as exc:  # keep the last values; the scrape still answers
            log.debug("consumer info of %s unavailable: %s", self._consumer, exc)
            return
        self._metrics.pending.labels(self._consumer).set(info.num_pending or 0)
        self._metrics.ack_pending.labels(self._consumer).set(info.num_ack_pending or 0)

    async def _consumer_info(self):
        return await self._js.consumer_info(self._stream, self._consumer, timeout=self._timeout)
