"""HTTP request metrics as pure ASGI middleware: counts and latency by route template (never the
raw path, so course ids do not become label values). The request's server span is FastAPI's own
(its native telemetry continues a caller's `traceparent` once a tracer provider is installed)."""
from __future__ import annotations

import functools
import time

from prometheus_client import Counter, Histogram

from .metrics import registry

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class HttpMetrics:
    def __init__(self, registry) -> None:
        self.requests = Counter("coursegen_http_requests", "HTTP requests answered, by method, route "
                                "template and status", ["method", "route", "status"], registry=registry)
        self.latency = Histogram("coursegen_http_request_duration_seconds", "Time to answer, by method "
                                 "and route template", ["method", "route"], buckets=LATENCY_BUCKETS,
                                 registry=registry)


@functools.cache
def http_metrics() -> HttpMetrics:
    return HttpMetrics(registry())


def route_of(scope: dict) -> str:
    """The template of the route that answered ("/api/courses/{course_id}/stage1/status")."""
    route = scope.get("route")
    return getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched"


class HttpObservability:
    def __init__(self, app) -> None:
        self.app, self.metrics = app, http_metrics()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status, started = [500], time.perf_counter()  # 500 unless an answer starts

        async def sending(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method, route = scope["method"] if scope["method"] in METHODS else "OTHER", route_of(scope)
            self.metrics.requests.labels(method, route, str(status[0])).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
