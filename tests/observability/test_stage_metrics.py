"""After a whole pipeline, every stage service's /metrics counts what it consumed, published and
paid, and its /health reports the jobs it finished (real processes, nats-server, PostgreSQL)."""
from __future__ import annotations

from tests.observability.scrape import health, scrape, value
from tests.support.waiting import eventually

REQUESTS = {"repo_clone": "RepoCloneRequested", "doc_analyser": "DocsAnalysisRequested",
            "pathway": "PathwaysRequested", "modules": "CourseGenerationRequested"}
STAGES = {"repo_clone": "stage1", "doc_analyser": "stage2", "pathway": "stage3", "modules": "stage4"}


async def test_each_stage_service_counts_the_requests_it_consumed_and_how_long_they_took(observed):
    for service, url in observed.system.metrics_urls.items():
        samples = await scrape(url)
        consumed = value(samples, "coursegen_events_consumed_total", event_type=REQUESTS[service], outcome="ack")
        assert consumed >= 1, service
        assert value(samples, "coursegen_events_consumed_total", outcome="dead_letter") == 0, service
        timed = value(samples, "coursegen_stage_duration_seconds_count", stage=STAGES[service], outcome="succeeded")
        assert timed == consumed, service
        assert value(samples, "coursegen_stage_duration_seconds_sum", stage=STAGES[service]) > 0, service


async def test_doc_analyser_published_one_doc_analysed_per_document(observed):
    samples = await scrape(observed.system.metrics_urls["doc_analyser"])
    assert value(samples, "coursegen_events_published_total", event_type="DocAnalysed") == observed.run.documents
    assert value(samples, "coursegen_events_published_total", event_type="DocsAnalysed") == 1
    assert value(samples, "coursegen_events_published_total", event_type="StageFailed") == 0


async def test_llm_calls_tokens_and_cost_are_counted_by_provider_and_model(observed):
    samples = await scrape(observed.system.metrics_urls["doc_analyser"])
    paid = {"provider": "anthropic", "model": "claude-sonnet-4-5"}
    assert value(samples, "coursegen_llm_calls_total", **paid) == len(observed.llm.requests) >= observed.run.documents
    assert value(samples, "coursegen_llm_tokens_total", kind="input", **paid) > 0
    assert value(samples, "coursegen_llm_tokens_total", kind="output", **paid) > 0
    cached = value(samples, "coursegen_llm_tokens_total", kind="cache_read", **paid)
    assert cached > 0  # the course context is shared by every document's prompt
    assert value(samples, "coursegen_llm_cost_usd_total", **paid) > 0
    for service in ("pathway", "modules"):  # the offline engine: calls counted, nothing paid
        offline = await scrape(observed.system.metrics_urls[service])
        assert value(offline, "coursegen_llm_calls_total", provider="offline") >= 1, service
        assert value(offline, "coursegen_llm_cost_usd_total", provider="offline") == 0, service


async def test_consumer_backlog_is_read_from_jetstream_when_scraped(observed):
    for service, url in observed.system.metrics_urls.items():
        samples = await scrape(url)
        names = {s.name for s in samples if s.labels.get("consumer") == service}
        assert {"coursegen_consumer_pending_messages", "coursegen_consumer_ack_pending_messages"} <= names
        assert value(samples, "coursegen_consumer_pending_messages", consumer=service) == 0


async def test_health_reports_finished_jobs_like_the_old_worker(observed):
    for service, url in observed.system.metrics_urls.items():
        report = await eventually(lambda: _idle(url), timeout=30, message=f"{service} idle")
        assert report["status"] == "healthy" and report["service"] == service
        assert report["succeeded"] >= 1 and report["failed"] == 0, report
        assert report["uptime_seconds"] > 0


async def _idle(url: str) -> dict | None:
    report = await health(url)
    return report if report["active_jobs"] == 0 else None
