"""The Prometheus metrics of a process, in one registry made on first use (not at import).
Every process has the bus and LLM families; the gateway adds its HTTP and projection ones."""
from __future__ import annotations

from prometheus_client import (CollectorRegistry, Counter, Gauge, GCCollector, Histogram, PlatformCollector,
                               ProcessCollector, generate_latest)

from shared.once import once

from .pricing import cost_usd

STAGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
TOKEN_KINDS = ("input", "output", "cache_read", "cache_creation")


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = r = registry
        self.consumed = Counter("coursegen_events_consumed", "Delivered messages handled, by event type "
                                "and outcome (ack, retry, dead_letter)", ["event_type", "outcome"], registry=r)
        self.published = Counter("coursegen_events_published", "Events appended to the log (repeats "
                                 "the log deduplicated are not counted), by event type", ["event_type"], registry=r)
        self.stage_duration = Histogram("coursegen_stage_duration_seconds", "Time to handle one stage "
                                        "request, by stage and outcome (succeeded, failed, retry, dead_letter)",
                                        ["stage", "outcome"], buckets=STAGE_BUCKETS, registry=r)
        self.llm_calls = Counter("coursegen_llm_calls", "Provider requests (retries and repairs included)",
                                 ["provider", "model"], registry=r)
        self.llm_failures = Counter("coursegen_llm_failures", "Completions that failed after retries",
                                    ["provider", "model"], registry=r)
        self.llm_tokens = Counter("coursegen_llm_tokens", "Tokens by kind (input, output, cache_read, "
                                  "cache_creation)", ["provider", "model", "kind"], registry=r)
        self.llm_cost = Counter("coursegen_llm_cost_usd", "Estimated cost from list prices (0 for "
                                "unknown models and the offline engine)", ["provider", "model"], registry=r)
        self.pending = Gauge("coursegen_consumer_pending_messages", "Messages not yet delivered to the "
                             "durable consumer (from consumer info)", ["consumer"], registry=r)
        self.ack_pending = Gauge("coursegen_consumer_ack_pending_messages", "Messages delivered and not "
                                 "yet acknowledged (from consumer info)", ["consumer"], registry=r)

    def consumed_one(self, event_type: str, outcome: str) -> None:
        self.consumed.labels(event_type, outcome).inc()

    def published_one(self, event_type: str) -> None:
        self.published.labels(event_type).inc()

    def llm_used(self, usage) -> None:
        """Record a provider answer's `Usage` (shared.llm.provider)."""
        labels = (usage.provider, usage.model)
        self.llm_calls.labels(*labels).inc(usage.calls)
        counts = (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_creation_tokens)
        for kind, count in zip(TOKEN_KINDS, counts):
            self.llm_tokens.labels(*labels, kind).inc(count)
        self.llm_cost.labels(*labels).inc(cost_usd(usage))

    def llm_failed(self, provider: str, model: str) -> None:
        self.llm_failures.labels(provider, model).inc()


@once
def registry() -> CollectorRegistry:
    made = CollectorRegistry()
    ProcessCollector(registry=made)
    PlatformCollector(registry=made)
    GCCollector(registry=made)  # collections by generation: a full one pauses the process
    return made


@once
def metrics() -> Metrics:
    return Metrics(registry())


def exposition() -> bytes:
    """The text format of everything registered in this process."""
    metrics()
    return generate_latest(registry())
