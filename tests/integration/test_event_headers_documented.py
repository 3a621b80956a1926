"""The headers a subscriber finds on a stored event are the ones the AsyncAPI document lists
(issue 20): published by the real event store to a real nats-server, plainly and conditionally,
inside a trace as every coursegen service publishes, then read back through a JetStream consumer."""
from __future__ import annotations

from jsonschema import Draft202012Validator

from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events import ALL_COURSES
from shared.events.asyncapi import asyncapi_document
from shared.events.asyncapi_nats import HEADERS, STREAM
from shared.events.catalogue import CATALOGUE
from shared.events.examples import example_event
from shared.observability.tracing import configure_tracing

CHECKER = Draft202012Validator.FORMAT_CHECKER


async def test_every_header_of_a_stored_event_is_documented_and_valid(nats_server):
    configure_tracing("header-test")  # as each service does at start: its events carry `traceparent`
    nc = await connect(nats_server.url, "header-test")
    try:
        js = nc.jetstream()
        await provision(js, StreamSpec())
        store = EventStore(js)
        first, second = (example_event(cls) for cls in CATALOGUE[:2])
        plain = await store.publish(first)
        await store.append(second, expected_last_seq=plain.stream_seq)
        subscription = await js.pull_subscribe(ALL_COURSES, stream=STREAM)
        stored = {msg.subject.rpartition(".")[2]: msg.headers or {} for msg in await subscription.fetch(2, timeout=5)}
    finally:
        await nc.close()

    schema = asyncapi_document()["components"]["schemas"][HEADERS]
    validator = Draft202012Validator(schema, format_checker=CHECKER)
    for event_type, headers in stored.items():
        assert set(headers) <= set(schema["properties"]), f"{event_type}: undocumented {set(headers) - set(schema['properties'])}"
        assert [e.message for e in validator.iter_errors(headers)] == [], event_type
        assert {"Nats-Msg-Id", "traceparent"} <= set(headers), event_type
    conditional = {"Nats-Expected-Last-Subject-Sequence", "Nats-Expected-Last-Subject-Sequence-Subject"}
    assert stored[first.event_type]["Nats-Msg-Id"] == first.event_id
    assert not conditional & set(stored[first.event_type])
    assert conditional <= set(stored[second.event_type])  # the server keeps them: a reader sees them
    assert stored[second.event_type]["Nats-Expected-Last-Subject-Sequence"] == str(plain.stream_seq)
