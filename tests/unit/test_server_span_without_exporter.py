"""A server span in a process whose tracing has no exporter (services/gateway/edge/server_span.py):
it records nothing, yet the request still runs in a trace — the caller's, else a new sampled one —
which the spans under it and the events it appends carry."""
from __future__ import annotations

from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider

from services.gateway.edge import server_span
from services.gateway.edge.server_span import ServerSpan
from shared.observability.tracing import _processors, spans_unseen

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def scope(*headers: tuple[bytes, bytes]) -> dict:
    return {"type": "http", "method": "GET", "path": "/api/projects/", "scheme": "http",
            "http_version": "1.1", "headers": list(headers)}


def test_without_an_exporter_the_span_records_nothing_and_continues_the_callers_trace(monkeypatch):
    monkeypatch.setattr(server_span, "without_exporter", lambda: True)
    span = ServerSpan(scope((b"traceparent", f"00-{CALLER_TRACE}-00f067aa0ba902b7-01".encode())))
    try:
        assert not span.span.is_recording()
        current = trace.get_current_span().get_span_context()
        assert format(current.trace_id, "032x") == CALLER_TRACE and current.trace_flags.sampled
        assert format(current.span_id, "016x") != "00f067aa0ba902b7"  # a span of its own
        child = TracerProvider().get_tracer("test").start_span("publish")  # as the event store makes one
        assert child.get_span_context().trace_id == current.trace_id and child.is_recording()
        carrier: dict[str, str] = {}
        propagate.inject(carrier)  # what an appended event's headers get
        assert CALLER_TRACE in carrier["traceparent"]
    finally:
        span.end("/api/projects/", 200)
    assert trace.get_current_span() is not span.span  # the request's context is left


def test_without_an_exporter_or_a_caller_a_new_sampled_trace_begins(monkeypatch):
    monkeypatch.setattr(server_span, "without_exporter", lambda: True)
    first, second = ServerSpan(scope()), None
    try:
        one = first.span.get_span_context()
        assert one.is_valid and one.trace_flags.sampled
    finally:
        first.end(None, 404)
    second = ServerSpan(scope())
    try:
        assert second.span.get_span_context().trace_id != one.trace_id
    finally:
        second.end("/api/projects/", 500, RuntimeError("boom"))  # an error ends it as well


def test_spans_are_left_unrecorded_only_with_no_exporter_and_the_default_sampler(tmp_path):
    nothing: dict[str, str] = {}
    to_file = {"TRACES_FILE": str(tmp_path / "spans.jsonl")}
    sampled = {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"}
    assert spans_unseen(_processors("gateway", nothing), nothing)
    assert not spans_unseen(_processors("gateway", to_file), to_file)
    assert not spans_unseen(_processors("gateway", sampled), sampled)
