"""HTTP request metrics: counts and latency by route template (never the raw path, so course ids do
not become label values). Recorded by the gateway's one ASGI layer (services/gateway/edge/asgi_layer.py)."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

from shared.observability.metrics import registry
from shared.once import once

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class HttpMetrics:
    def __init__(self, registry) -> None:
        self.requests = Counter("coursegen_http_requests", "HTTP requests answered, by method, route "
                                "template and status", ["method", "route", "status"], registry=registry)
        self.latency = Histogram("coursegen_http_request_duration_seconds", "Time to answer, by method "
                                 "and route template", ["method", "route"], buckets=LATENCY_BUCKETS,
                                 registry=registry)
        # Labelled children by their labels: `labels()` costs more than the increment itself. Bounded:
        # methods, route templates and statuses are all finite.
        self._counted: dict[tuple[str, str, int], object] = {}
        self._timed: dict[tuple[str, str], object] = {}

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "OTHER"
        counted = self._counted.get((method, route, status))
        if counted is None:
            counted = self._counted[(method, route, status)] = self.requests.labels(method, route, str(status))
        timed = self._timed.get((method, route))
        if timed is None:
            timed = self._timed[(method, route)] = self.latency.labels(method, route)
        counted.inc()
        timed.observe(seconds)


@once
def http_metrics() -> HttpMetrics:
    return HttpMetrics(registry())


def route_of(scope: dict) -> str:
    """The template of the route that answered ("/api/courses/{course_id}/stage1/status")."""
    route = scope.get("route")
    return getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched"
