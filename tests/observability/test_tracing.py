"""One trace per request: the HTTP request that starts a stage, the command event it appends, the
stage service's handling of it and every event that service publishes share one trace id, read
back from the stream's `traceparent` headers and from the spans each process wrote."""
from __future__ import annotations

import json

from tests.observability.pipeline import STAGES
from tests.observability.scrape import course_messages, spans, trace_of
from tests.support.waiting import eventually

COMMANDS = {"stage1": "RepoCloneRequested", "stage2": "DocsAnalysisRequested",
            "stage3": "PathwaysRequested", "stage4": "CourseGenerationRequested"}
SERVICES = {"stage1": "repo_clone", "stage2": "doc_analyser", "stage3": "pathway", "stage4": "modules"}


async def test_every_event_a_stage_request_caused_carries_the_requests_trace_id(observed):
    messages = await course_messages(observed.js, "COURSES", observed.run.course_id)
    for stage, command_type in COMMANDS.items():
        [(command, headers)] = [(e, h) for e, h in messages if e["event_type"] == command_type]
        assert trace_of(headers.get("traceparent")) == observed.run.traces[stage], stage
        reactions = [(e, h) for e, h in messages if e["causation_id"] == command["event_id"]]
        assert {e["actor"] for e, _ in reactions} == {SERVICES[stage]}, stage
        assert {trace_of(h.get("traceparent")) for _, h in reactions} == {observed.run.traces[stage]}, stage
    analysed = [e for e, _ in messages if e["event_type"] == "DocAnalysed"]
    assert len(analysed) == observed.run.documents


async def test_the_spans_of_gateway_and_stage_service_form_one_trace(observed):
    messages = await course_messages(observed.js, "COURSES", observed.run.course_id)
    gateway = observed.system.span_file("gateway")
    for stage, action in STAGES.items():
        trace_id = observed.run.traces[stage]
        [server] = [s for s in spans(gateway) if s["trace_id"] == trace_id and s["kind"] == "SERVER"]
        assert server["attributes"]["http.route"] == f"/api/courses/{{course_id}}/{action}"
        [traceparent] = [h["traceparent"] for e, h in messages if e["event_type"] == COMMANDS[stage]]
        published_by_gateway = traceparent.split("-")[2]
        assert server["span_id"] in _ancestors(spans(gateway), published_by_gateway)

        service_file = observed.system.span_file(SERVICES[stage])
        consumer = await eventually(lambda: _consumer_of(spans(service_file), published_by_gateway), timeout=30,
                                    message=f"{SERVICES[stage]}'s span for the {stage} request")
        assert consumer["trace_id"] == trace_id
        producers = [s for s in spans(service_file) if s["trace_id"] == trace_id and s["kind"] == "PRODUCER"]
        assert producers and all(s["name"].startswith(f"course.{observed.run.course_id}.") for s in producers)


async def test_log_lines_of_the_work_name_course_event_correlation_and_trace(observed):
    service = observed.system.processes["doc_analyser"]
    line = service.wait_for_line(lambda l: "DocsAnalysisRequested (attempt 1) handled" in l, timeout=30)
    record = json.loads(line)
    assert record["service"] == "doc_analyser" and record["course_id"] == observed.run.course_id
    assert record["event_id"] and record["correlation_id"]
    assert record["trace_id"] == observed.run.traces["stage2"]


def _ancestors(found: list[dict], span_id: str) -> list[str]:
    """The ids of the spans above `span_id` within one process, nearest first."""
    parents = {s["span_id"]: s["parent_span_id"] for s in found}
    assert span_id in parents, f"no span {span_id}"
    chain = []
    while (span_id := parents.get(span_id)) is not None:
        chain.append(span_id)
    return chain


def _consumer_of(found: list[dict], parent_span_id: str) -> dict | None:
    return next((s for s in found if s["kind"] == "CONSUMER" and s["parent_span_id"] == parent_span_id), None)
