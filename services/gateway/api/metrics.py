"""GET /metrics: the gateway's Prometheus metrics, with the projection's lag measured at scrape
(at most once per METRICS_REFRESH_SECONDS: many scrapers make one read of NATS).

Lag in events: the stream's last sequence minus the projector's position. Lag in seconds: how
long the oldest event the projector has not applied has been in the log (0 when caught up), so
it says how stale the read tables may be, and keeps growing while the projector is stuck."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Gauge

from shared.observability.context import bind
from shared.observability.metrics import exposition, registry
from shared.once import once

from .deps import ContainerDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])


class ProjectionGauges:
    def __init__(self, registry) -> None:
        self.events = Gauge("coursegen_projection_lag_events", "Events in the log the read tables do "
                            "not reflect yet", registry=registry)
        self.seconds = Gauge("coursegen_projection_lag_seconds", "Age of the oldest event not yet "
                             "projected (0 when caught up)", registry=registry)
        self.position = Gauge("coursegen_projection_position", "Stream sequence the read tables "
                              "reflect", registry=registry)


@once
def projection_gauges() -> ProjectionGauges:
    return ProjectionGauges(registry())


async def measure_lag(js, stream: str, position: int) -> tuple[int, float]:
    last = (await js.stream_info(stream)).state.last_seq
    if last <= position:
        return 0, 0.0
    oldest = await js.get_msg(stream, seq=position + 1, subject=">", next=True)
    appended = oldest.time if isinstance(oldest.time, datetime) else _parse_time(oldest.time)
    return last - position, max(0.0, (datetime.now(timezone.utc) - appended).total_seconds())


def _parse_time(value: str) -> datetime:
    """NATS gives nanoseconds ("...T10:00:00.123456789Z"); Python reads microseconds."""
    whole, _, fraction = value.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(fraction + '000000')[:6]}+00:00")


@router.get("/metrics", include_in_schema=False)
async def metrics_page(c: ContainerDep) -> Response:
    gauges, position = projection_gauges(), c.projector.position
    gauges.position.set(position)
    try:
        # At most one measurement per METRICS_REFRESH_SECONDS, however often /metrics is scraped.
        events, seconds = await c.lag_reads.read(lambda: measure_lag(c.js, c.settings.stream_name, position))
        gauges.events.set(events)
        gauges.seconds.set(seconds)
    except Exception as exc:  # the rest of the page still helps; the gauges keep their last values
        log.warning("projection lag not measured: %s", exc)
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


async def request_context(request: Request) -> None:
    """An app-wide dependency: the course a request is about goes into its log lines."""
    bind(course_id=request.path_params.get("course_id"))
