"""The gateway's one ASGI layer around the app: the API's rate limit, the body-size limit, the
request's Prometheus metrics and its OpenTelemetry server span, in one frame and one wrapped `send`
per request.
(Three stacked middlewares plus FastAPI's native telemetry, whose spans per dependency and per
serialisation nobody read, cost more than a simple endpoint's own work.)"""
from __future__ import annotations

import time

from ..api.limits import limited_receive
from ..api.rate_limit import is_limited, refuse_over_rate, requester
from .rate_limit import TokenBuckets
from .request_metrics import http_metrics, route_of
from .server_span import ServerSpan


class GatewayEdge:
    def __init__(self, app, max_body_bytes: int, rate_per_minute: int = 0, rate_burst: int = 1,
                 clock=time.monotonic) -> None:
        self.app, self.max_body_bytes, self.metrics = app, max_body_bytes, http_metrics()
        self.buckets = TokenBuckets(rate_per_minute, rate_burst, clock) if rate_per_minute else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        span = ServerSpan(scope)
        status, error = 500, None  # 500 unless an answer starts

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if self.buckets is not None and is_limited(scope):
                wait = self.buckets.take(requester(scope))
                if wait > 0:
                    return await refuse_over_rate(sending, wait, self.buckets)
            app_receive = await limited_receive(scope, receive, sending, self.max_body_bytes)
            if app_receive is not None:
                await self.app(scope, app_receive, sending)
        except BaseException as exc:
            error = exc
            raise
        finally:
            route = route_of(scope)
            self.metrics.record(scope["method"], route, status, time.perf_counter() - started)
            span.end(None if route == "unmatched" else route, status, error)
