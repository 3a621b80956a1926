"""Reading what the processes expose: Prometheus text, /health JSON, span files, stream headers."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from prometheus_client.parser import text_string_to_metric_families

from shared.events import course_subjects


async def scrape(url: str) -> list:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{url}/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return [s for family in text_string_to_metric_families(response.text) for s in family.samples]


def value(samples: list, name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels` (0 when none)."""
    return sum(s.value for s in samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


async def health(url: str) -> dict:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{url}/health")
    assert response.status_code == 200, response.text
    return response.json()


def spans(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def trace_of(traceparent: str | None) -> str | None:
    """The trace id of a W3C `traceparent` header ("00-<trace id>-<span id>-<flags>")."""
    return traceparent.split("-")[1] if traceparent else None


async def course_messages(js: JetStreamContext, stream: str, course_id: str) -> list[tuple[dict, dict]]:
    """Every event of the course with its headers, in stream order: (event JSON, headers)."""
    config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, mem_storage=True)
    sub = await js.pull_subscribe(course_subjects(course_id), durable=None, stream=stream, config=config)
    try:
        found, pending = [], (await sub.consumer_info()).num_pending
        while pending:
            for msg in await sub.fetch(min(pending, 256), timeout=5):
                found.append((json.loads(msg.data), dict(msg.headers or {})))
                pending = msg.metadata.num_pending
        return found
    finally:
        await sub.unsubscribe()
