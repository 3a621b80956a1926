"""The AsyncAPI document as a Node.js integrator meets it (issue 20): the official
`@asyncapi/parser` reads it with no error and no warning, and through the parser's own API a client
finds the server, every header, the NATS binding of each consumer, the events that end a run and
an example of every message. One Node process parses every document of this file."""
from __future__ import annotations

import copy

import pytest

from shared.events import CATALOGUE
from shared.events.asyncapi import ENDINGS, asyncapi_document
from shared.events.asyncapi_nats import headers_schema
from shared.events.schemas import all_versions, schema_name
from shared.stage.run_appender import ENDINGS as RUN_ENDINGS
from shared.stage.runs import REQUESTS, RESULTS
from tests.support.node_checks import run_node

COMMANDS = {cls.type_name(): cls for cls in CATALOGUE if cls.COMMAND}


def service_of(result) -> str:
    (service,) = result.PUBLISHED_BY
    return service


def _without_protocol(document: dict) -> dict:
    """A mistake the parser must report (else its silence about ours proves nothing)."""
    broken = copy.deepcopy(document)
    del broken["servers"]["coursegen"]["protocol"]
    return broken


@pytest.fixture(scope="module")
def parsed() -> dict:
    document = asyncapi_document("1.2.3")
    run = run_node("check_asyncapi.mjs", {"coursegen": document, "broken": _without_protocol(document)})
    assert run.status == 0 and run.verdict is not None, run.stderr
    return run.verdict


@pytest.fixture(scope="module")
def model(parsed) -> dict:
    assert parsed["coursegen"]["parsed"], parsed["coursegen"]["diagnostics"]
    return parsed["coursegen"]["model"]


def test_the_parser_reads_it_with_no_error_and_no_warning(parsed):
    verdict = parsed["coursegen"]
    assert verdict["parsed"]
    serious = [d for d in verdict["diagnostics"] if d["severity"] in ("error", "warning")]
    assert not serious, serious
    # What is left is advice (e.g. that AsyncAPI 3.1.0 exists), never a problem of the document.
    assert {d["severity"] for d in verdict["diagnostics"]} <= {"information", "hint"}


def test_the_parser_reports_a_broken_document(parsed):
    errors = [d for d in parsed["broken"]["diagnostics"] if d["severity"] == "error"]
    assert not parsed["broken"]["parsed"]
    assert [d["path"] for d in errors] == [["servers", "coursegen"]] and "protocol" in errors[0]["message"]


def test_a_client_finds_the_nats_server_and_where_its_url_comes_from(model):
    (server,) = model["servers"]
    assert server["protocol"] == "nats"
    assert server["url"].startswith("nats://{host}:{port}")
    assert dict(server["variables"]) == {"host": "127.0.0.1", "port": "4222"}  # NATS_URL's default
    description = asyncapi_document()["servers"]["coursegen"]["description"]
    assert "NATS_URL" in description and "make run" in description and ".data/runtime.json" in description
    assert asyncapi_document()["servers"]["coursegen"]["x-jetstream"]["stream"] == "COURSES"


def test_every_message_documents_every_header_the_event_store_sends(model):
    sent = {"Nats-Msg-Id", "traceparent", "Nats-Expected-Stream", "Nats-Expected-Last-Subject-Sequence",
            "Nats-Expected-Last-Subject-Sequence-Subject"}  # shared/bus/eventstore.py and the NATS client
    assert sent <= set(headers_schema()["properties"])
    assert {m["id"] for m in model["messages"]} == {schema_name(t, v) for t, v in all_versions()}
    for message in model["messages"]:
        assert sent <= set(message["headers"]), message["id"]


def test_every_current_message_has_one_example(model):
    current = {schema_name(cls.type_name(), cls.CURRENT_VERSION) for cls in CATALOGUE}
    examples = {m["id"]: m["examples"] for m in model["messages"]}
    assert {examples[key] for key in current} == {1}


def test_each_stage_service_consumer_has_its_nats_binding(model):
    received = {op["id"]: op["nats"] for op in model["operations"] if op["action"] == "receive"}
    assert set(received) == {f"handle{name}" for name in COMMANDS}
    for name, cls in COMMANDS.items():
        result = next(r for r, stage in RESULTS.items() if stage == REQUESTS[cls])
        assert received[f"handle{name}"] == {"queue": service_of(result)}  # the service that answers it
    raw = asyncapi_document()["operations"]
    assert {raw[f"handle{name}"]["bindings"]["nats"]["bindingVersion"] for name in COMMANDS} == {"0.1.0"}


def test_the_events_that_end_a_run_are_marked(model):
    marked = {m["id"].rpartition(".v")[0]: m for m in model["messages"] if "ends-run" in m["tags"]}
    assert set(marked) == {cls.type_name() for cls in RUN_ENDINGS} == {cls.type_name() for cls in ENDINGS}
    for cls, stage in RESULTS.items():
        assert marked[cls.type_name()]["endsRun"] == {"outcome": "succeeded", "stage": stage, "run": "payload.task_id"}
    assert marked["StageFailed"]["endsRun"]["outcome"] == "failed"
    assert marked["StageCancelled"]["endsRun"]["outcome"] == "cancelled"
    unmarked = [m for m in model["messages"] if m["id"].rpartition(".v")[0] not in marked]
    assert unmarked and not [m for m in unmarked if m["endsRun"] is not None]
