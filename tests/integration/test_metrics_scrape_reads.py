"""Scraping /metrics does not load NATS (issue 15): however many scrapes come within
METRICS_REFRESH_SECONDS, the gateway asks JetStream for the stream's state once, and a stage
service asks for its consumer's backlog once. The requests are counted where they arrive: a plain
subscriber on the JetStream API subject sees each request the process sends (real processes,
nats-server, PostgreSQL)."""
from __future__ import annotations

import asyncio
import contextlib

import httpx
import nats

from tests.support.http_processes import gateway_process, stage_service_process
from tests.observability.scrape import scrape, value

SCRAPES = 30
LONG = "3600"  # an interval no test outlives: every scrape below falls within the first one


@contextlib.asynccontextmanager
async def api_requests_seen(nats_url: str, subject: str):
    """The JetStream API requests sent to `subject` while the block runs, by any connection."""
    spy = await nats.connect(nats_url)
    seen: list[str] = []

    async def record(msg) -> None:
        seen.append(msg.subject)

    await spy.subscribe(subject, cb=record)
    await spy.flush()
    try:
        yield seen
        await spy.flush()  # every request that reached the server before this is delivered to us
    finally:
        await spy.close()


async def scrape_many(url: str) -> list:
    """SCRAPES scrapes, half of them at once and half one after another; the last one's samples."""
    await asyncio.gather(*(scrape(url) for _ in range(SCRAPES // 2)))
    for _ in range(SCRAPES // 2 - 1):
        await scrape(url)
    return await scrape(url)


async def test_gateway_scrapes_within_the_interval_read_the_stream_once(nats_server, database_url):
    async with gateway_process(nats_server.url, database_url, METRICS_REFRESH_SECONDS=LONG) as url:
        async with api_requests_seen(nats_server.url, "$JS.API.STREAM.>") as seen:
            samples = await scrape_many(url)
    assert [s for s in seen if s.startswith("$JS.API.STREAM.INFO.")] == ["$JS.API.STREAM.INFO.COURSES"]
    assert value(samples, "coursegen_projection_lag_events") == 0
    assert any(s.name == "coursegen_projection_position" for s in samples)


async def test_stage_service_scrapes_within_the_interval_read_its_consumer_once(nats_server):
    async with stage_service_process("pathway", nats_server.url, METRICS_REFRESH_SECONDS=LONG) as url:
        async with api_requests_seen(nats_server.url, "$JS.API.CONSUMER.INFO.>") as seen:
            samples = await scrape_many(url)
    assert seen == ["$JS.API.CONSUMER.INFO.COURSES.pathway"]
    assert value(samples, "coursegen_consumer_pending_messages", consumer="pathway") == 0
    assert any(s.name == "coursegen_consumer_ack_pending_messages" for s in samples)


async def test_stage_service_is_ready_once_its_consumer_exists(nats_server):
    """/ready waits for the consumer's subscription, so what comes after it is the service at work."""
    async with stage_service_process("pathway", nats_server.url) as url:
        async with httpx.AsyncClient(timeout=5) as client:
            ready = (await client.get(f"{url}/ready")).json()
        nc = await nats.connect(nats_server.url)
        try:
            consumer = await nc.jetstream().consumer_info("COURSES", "pathway")
        finally:
            await nc.close()
    assert ready["subscribed"] is True and ready["status"] == "healthy"
    assert consumer.config.durable_name == "pathway"
