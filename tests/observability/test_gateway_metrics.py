"""The gateway's /metrics: requests by route template, the projection's lag, events it appended."""
from __future__ import annotations

from tests.observability.scrape import scrape, value
from tests.support.waiting import eventually

COURSE_ROUTE = "/api/courses/{course_id}"


async def test_requests_are_counted_by_route_template_not_raw_path(observed):
    samples = await scrape(observed.system.gateway_url)
    started = value(samples, "coursegen_http_requests_total", method="POST",
                    route=f"{COURSE_ROUTE}/analyze-documents", status="202")
    assert started == 1
    assert value(samples, "coursegen_http_requests_total", method="GET", route=f"{COURSE_ROUTE}/stage2/status") >= 1
    assert value(samples, "coursegen_http_request_duration_seconds_count", method="POST",
                 route=f"{COURSE_ROUTE}/analyze-documents") == 1
    routes = {s.labels["route"] for s in samples if s.name == "coursegen_http_requests_total"}
    assert not any(observed.run.course_id in route for route in routes), routes


async def test_projection_lag_is_zero_once_the_projector_caught_up(observed):
    async def caught_up():
        samples = await scrape(observed.system.gateway_url)
        return samples if value(samples, "coursegen_projection_lag_events") == 0 else None

    samples = await eventually(caught_up, timeout=30, message="projection caught up")
    assert value(samples, "coursegen_projection_lag_seconds") == 0
    last = (await observed.js.stream_info("COURSES")).state.last_seq
    assert value(samples, "coursegen_projection_position") == last


async def test_the_command_events_the_gateway_appended_are_counted_by_type(observed):
    samples = await scrape(observed.system.gateway_url)
    for command in ("RepoCloneRequested", "DocsAnalysisRequested", "PathwaysRequested", "CourseGenerationRequested"):
        assert value(samples, "coursegen_events_published_total", event_type=command) == 1, command
    assert value(samples, "coursegen_events_published_total", event_type="CourseCreated") == 1


async def test_the_garbage_collectors_work_is_exposed_by_generation(observed):
    """A full collection pauses the process (services/gateway/main.py settle_collector): an operator
    sees how often each generation is collected."""
    samples = await scrape(observed.system.gateway_url)
    generations = {s.labels["generation"] for s in samples if s.name == "python_gc_collections_total"}
    assert generations == {"0", "1", "2"}
    assert value(samples, "python_gc_collections_total", generation="0") > 0
