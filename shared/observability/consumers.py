"""The durable consumer's backlog as gauges, read from JetStream's consumer info when scraped
(at most once per `min_interval`, so a busy scraper does not load the server)."""
from __future__ import annotations

import logging
import time

from nats.js import JetStreamContext

from .metrics import Metrics

log = logging.getLogger(__name__)


class ConsumerGauges:
    def __init__(self, js: JetStreamContext, stream: str, consumer: str, metrics: Metrics,
                 min_interval: float = 1.0, timeout: float = 2.0) -> None:
        self._js, self._stream, self._consumer, self._metrics = js, stream, consumer, metrics
        self._min_interval, self._timeout = min_interval, timeout
        self._read_at: float | None = None

    async def refresh(self) -> None:
        now = time.monotonic()
        if self._read_at is not None and now - self._read_at < self._min_interval:
            return
        try:
            info = await self._js.consumer_info(self._stream, self._consumer, timeout=self._timeout)
        except Exception as exc:  # keep the last values; the scrape still answers
            log.debug("consumer info of %s unavailable: %s", self._consumer, exc)
            return
        self._read_at = now
        self._metrics.pending.labels(self._consumer).set(info.num_pending or 0)
        self._metrics.ack_pending.labels(self._consumer).set(info.num_ack_pending or 0)
