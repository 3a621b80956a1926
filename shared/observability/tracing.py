"""OpenTelemetry traces. The trace context travels in the `traceparent` header of every event
published to the log, so one trace spans an HTTP request and the stage work it triggered.
Exporters (none by default): TRACES_FILE=<path> writes one JSON line per span;
OTEL_TRACES_EXPORTER=console prints spans; OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT)
sends OTLP over HTTP (needs the `otlp` extra). Spans are made even with no exporter, so the
headers always carry a trace id."""
from __future__ import annotations

import json
import logging
import os
import threading
from typing import Mapping, MutableMapping, Sequence

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor,
                                            SpanExporter, SpanExportResult)

log = logging.getLogger(__name__)
INSTRUMENTATION = "coursegen"


class JsonLinesExporter(SpanExporter):
    """Appends each span as a JSON line to a file: for tests and local debugging."""

    def __init__(self, path: str, service: str) -> None:
        self._path, self._service, self._lock = path, service, threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(json.dumps(self._record(span)) + "\n" for span in spans)
        with self._lock, open(self._path, "a", encoding="utf-8") as out:
            out.write(lines)
        return SpanExportResult.SUCCESS

    def _record(self, span: ReadableSpan) -> dict:
        context, parent = span.get_span_context(), span.parent
        return {"service": self._service, "name": span.name, "kind": span.kind.name,
                "trace_id": format(context.trace_id, "032x"), "span_id": format(context.span_id, "016x"),
                "parent_span_id": format(parent.span_id, "016x") if parent else None,
                "start_ns": span.start_time, "end_ns": span.end_time,
                "attributes": {k: str(v) for k, v in (span.attributes or {}).items()}}


def _processors(service: str, env: Mapping[str, str]) -> list:
    chosen = []
    if env.get("TRACES_FILE"):
        chosen.append(SimpleSpanProcessor(JsonLinesExporter(env["TRACES_FILE"], service)))
    if env.get("OTEL_TRACES_EXPORTER", "").lower() == "console":
        chosen.append(SimpleSpanProcessor(ConsoleSpanExporter(service_name=service)))
    if env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            log.error("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter is not installed: "
                      "pip install 'coursegen[otlp]'; traces are not exported")
        else:
            chosen.append(BatchSpanProcessor(OTLPSpanExporter()))
    return chosen


_installed = {"without_exporter": False}


def configure_tracing(service: str, env: Mapping[str, str] | None = None) -> TracerProvider:
    """Install this process's tracer provider (once: a second call returns the first)."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    env = os.environ if env is None else env
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    processors = _processors(service, env)
    for processor in processors:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    _installed["without_exporter"] = spans_unseen(processors, env)
    return provider


def spans_unseen(processors: list, env: Mapping[str, str]) -> bool:
    """No exporter, and no sampler of one's own (which decides what the trace context says
    downstream: then spans are made as configured)."""
    return not processors and not env.get("OTEL_TRACES_SAMPLER")


def without_exporter() -> bool:
    """Whether this process installed its tracer provider with no exporter (and the default
    sampler): its spans reach no one, only the trace context they carry (to the events it appends)
    matters."""
    return _installed["without_exporter"]


def shutdown_tracing() -> None:
    """Flush and stop the exporters (at process exit)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.shutdown()


def tracer() -> trace.Tracer:
    return trace.get_tracer(INSTRUMENTATION)


def inject(headers: MutableMapping[str, str]) -> None:
    """Write the current trace context into message headers (`traceparent`)."""
    propagate.inject(headers)


def current_ids() -> dict[str, str]:
    """The current trace and span ids for log lines; empty outside a span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": format(context.trace_id, "032x"), "span_id": format(context.span_id, "016x")}
