"""The server span of one HTTP request, continuing the caller's W3C `traceparent` and current for
the request's handling, so the events it appends carry its trace. Named and labelled like
OpenTelemetry's HTTP server spans ("GET /api/projects/{course_id}", http.route, status)."""
from __future__ import annotations

from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, StatusCode, TraceFlags

from shared.observability.tracing import INSTRUMENTATION, without_exporter

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "QUERY"})


class _ScopeHeaders(Getter[list]):
    """Reads header values straight from the ASGI scope's (name, value) byte pairs."""

    def get(self, carrier: list, key: str) -> list[str] | None:
        name = key.lower().encode("latin-1")
        values = [value.decode("latin-1") for header, value in carrier if header == name]
        return values or None

    def keys(self, carrier: list) -> list[str]:
        return [header.decode("latin-1") for header, _ in carrier]


_HEADERS = _ScopeHeaders()
_IDS = RandomIdGenerator()
_cached: list = [None, None]  # (provider, its tracer): `get_tracer` builds a new tracer on every call


def _tracer() -> trace.Tracer:
    provider = trace.get_tracer_provider()
    if _cached[0] is not provider:
        _cached[:] = [provider, provider.get_tracer(INSTRUMENTATION)]
    return _cached[1]


class ServerSpan:
    __slots__ = ("span", "_token", "_method")

    def __init__(self, scope: dict[str, Any]) -> None:
        method = scope.get("method", "")
        self._method = method if method in METHODS else "_OTHER"
        parent = propagate.extract(scope.get("headers") or [], getter=_HEADERS)
        if without_exporter():
            # No exporter: a recorded span and its attributes would reach no one (measured, 8 % of
            # the gateway's time under load). A span that records nothing still carries a trace —
            # the caller's, else a new one, sampled as the SDK's default sampler would — to the
            # events the request appends and to the spans under it.
            self.span = _unrecorded(trace.get_current_span(parent).get_span_context())
            self._token = otel_context.attach(trace.set_span_in_context(self.span, parent))
            return
        attributes = {"http.request.method": self._method, "url.scheme": scope.get("scheme", "http"),
                      "url.path": scope.get("path", "")}
        if scope.get("http_version"):
            attributes["network.protocol.version"] = scope["http_version"]
        self.span = _tracer().start_span(self._method if self._method != "_OTHER" else "HTTP", context=parent,
                                        kind=SpanKind.SERVER, attributes=attributes)
        self._token = otel_context.attach(trace.set_span_in_context(self.span, parent))

    def end(self, route: str | None, status: int, error: BaseException | None = None) -> None:
        """Label the span with what answered and how, end it, and leave the request's context."""
        try:
            if not self.span.is_recording():
                return
            attributes: dict[str, Any] = {"http.response.status_code": status}
            if route is not None:
                attributes["http.route"] = route
                self.span.update_name(f"{self._method if self._method != '_OTHER' else 'HTTP'} {route}")
            if error is not None or status >= 500:
                attributes["error.type"] = _type_name(error) if error is not None else str(status)
                self.span.set_status(StatusCode.ERROR)
            self.span.set_attributes(attributes)
            self.span.end()
        finally:
            otel_context.detach(self._token)


def _unrecorded(caller: SpanContext) -> NonRecordingSpan:
    if caller.is_valid:
        trace_id, flags = caller.trace_id, caller.trace_flags
    else:
        trace_id, flags = _IDS.generate_trace_id(), TraceFlags(TraceFlags.SAMPLED)
    return NonRecordingSpan(SpanContext(trace_id, _IDS.generate_span_id(), is_remote=False, trace_flags=flags))


def _type_name(error: BaseException) -> str:
    cls = type(error)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
