"""The example of every event type (shared/events/examples.py), shown in the AsyncAPI document:
valid against its published schema with the reference validator, fixed from one build to the
next (the gateway serves the document as built), and with the headers the event store sends."""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from shared.events import CATALOGUE
from shared.events.asyncapi import asyncapi_document
from shared.events.asyncapi_nats import headers_schema
from shared.events.examples import example_event, example_headers
from shared.events.schemas import published_schemas, schema_name

CHECKER = Draft202012Validator.FORMAT_CHECKER


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.type_name())
def test_the_example_of_every_event_is_valid_and_fixed(cls):
    event = example_event(cls)
    raw = json.loads(event.to_json())
    schema = published_schemas()[schema_name(cls.type_name(), cls.CURRENT_VERSION)]
    assert [e.message for e in Draft202012Validator(schema, format_checker=CHECKER).iter_errors(raw)] == []
    assert example_event(cls) == event
    headers = example_headers(event)
    assert headers["Nats-Msg-Id"] == event.event_id
    assert list(Draft202012Validator(headers_schema(), format_checker=CHECKER).iter_errors(headers)) == []


def test_the_asyncapi_document_shows_each_example_as_written():
    messages = asyncapi_document()["components"]["messages"]
    for cls in CATALOGUE:
        (example,) = messages[schema_name(cls.type_name(), cls.CURRENT_VERSION)]["examples"]
        assert example["payload"] == json.loads(example_event(cls).to_json())
    assert asyncapi_document() == asyncapi_document()


def test_the_headers_schema_refuses_what_no_publisher_sends():
    validator = Draft202012Validator(headers_schema(), format_checker=CHECKER)
    event = example_event(CATALOGUE[0])
    assert not validator.is_valid({"traceparent": example_headers(event)["traceparent"]})  # no Nats-Msg-Id
    assert not validator.is_valid({**example_headers(event), "traceparent": "not-a-trace"})
    assert not validator.is_valid({**example_headers(event), "Nats-Expected-Last-Subject-Sequence": "-1"})
