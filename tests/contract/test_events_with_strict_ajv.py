"""The published event schemas as a Node.js integrator meets them (issue 20): ajv 8 (Draft
2020-12 build) in strict mode with ajv-formats loads every file, accepts every event coursegen
writes and the example of every AsyncAPI message (payload and headers), and refuses each envelope
the docs forbid with the keyword that forbids it. One Node process validates every case."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings

from shared.events import CATALOGUE
from shared.events.asyncapi import asyncapi_document
from shared.events.asyncapi_nats import HEADERS
from shared.events.examples import example_event
from shared.events.schemas import PUBLISHED, published_schemas, schema_id, schema_name
from tests.support.event_strategies import model
from tests.support.forbidden_envelopes import FORBIDDEN
from tests.support.node_checks import run_node

DRAWN_PER_TYPE = 15
HEADERS_ID = f"urn:coursegen:asyncapi:{HEADERS}"
TYPES = [cls.type_name() for cls in CATALOGUE]


def _drawn(cls) -> list[dict]:
    """DRAWN_PER_TYPE events of `cls` as coursegen writes them, any value the model allows."""
    drawn: list[dict] = []

    @given(model(cls))
    @hypothesis_settings(max_examples=DRAWN_PER_TYPE, deadline=None, database=None, phases=[Phase.generate],
                         suppress_health_check=list(HealthCheck))
    def collect(event):
        drawn.append(json.loads(event.to_json()))

    collect()
    return drawn


def _cases() -> list[dict]:
    cases = []
    for cls in CATALOGUE:
        schema = schema_id(schema_name(cls.type_name(), cls.CURRENT_VERSION))
        cases += [{"id": f"written {cls.type_name()} {i}", "schema": schema, "instance": raw}
                  for i, raw in enumerate(_drawn(cls))]
        example = json.loads(example_event(cls).to_json())
        for case, (spoil, _) in FORBIDDEN.items():
            cases.append({"id": f"forbidden {cls.type_name()}: {case}", "schema": schema, "instance": spoil(example)})
    for key, message in asyncapi_document()["components"]["messages"].items():
        for example in message.get("examples", []):
            cases.append({"id": f"example {key} payload", "schema": schema_id(key), "instance": example["payload"]})
            cases.append({"id": f"example {key} headers", "schema": HEADERS_ID, "instance": example["headers"]})
    return cases


@pytest.fixture(scope="module")
def ajv() -> dict:
    headers = {"$id": HEADERS_ID, **asyncapi_document()["components"]["schemas"][HEADERS]}
    run = run_node("validate_events.mjs", {"schemas": [headers], "cases": _cases()}, str(PUBLISHED))
    assert run.status == 0 and run.verdict is not None, run.stderr
    assert run.stderr == "", run.stderr  # strict ajv logs nothing either (no "ignored keyword")
    return {"loaded": run.verdict["loaded"], **{v["id"]: v for v in run.verdict["verdicts"]}}


def test_strict_ajv_loads_every_published_schema(ajv):
    assert set(ajv["loaded"]) == {schema["$id"] for schema in published_schemas().values()} | {HEADERS_ID}


@pytest.mark.parametrize("event_type", TYPES)
def test_strict_ajv_accepts_every_event_coursegen_writes(ajv, event_type):
    verdicts = [ajv[f"written {event_type} {i}"] for i in range(DRAWN_PER_TYPE) if f"written {event_type} {i}" in ajv]
    assert verdicts  # hypothesis drew some (fewer than asked only for types with few distinct values)
    assert [v["errors"] for v in verdicts if not v["valid"]] == []


@pytest.mark.parametrize("key", sorted(key for key, message in asyncapi_document()["components"]["messages"].items()
                                       if message.get("examples")))
def test_strict_ajv_accepts_the_example_of_every_asyncapi_message(ajv, key):
    for part in ("payload", "headers"):
        verdict = ajv[f"example {key} {part}"]
        assert verdict["valid"], verdict["errors"]


@pytest.mark.parametrize("case", FORBIDDEN)
@pytest.mark.parametrize("event_type", TYPES)
def test_strict_ajv_refuses_an_envelope_the_docs_forbid(ajv, event_type, case):
    verdict = ajv[f"forbidden {event_type}: {case}"]
    assert not verdict["valid"]
    assert FORBIDDEN[case][1] in verdict["keywords"], verdict["errors"]


def test_strict_ajv_refuses_a_schema_with_a_keyword_it_does_not_know(tmp_path):
    """The strictness the tests above rely on: a custom keyword (the old `x-subject`) stops the load."""
    schema = {**published_schemas()[schema_name("CourseDeleted", 1)], "x-subject": "course.{course_id}.CourseDeleted"}
    (tmp_path / "CourseDeleted.v1.schema.json").write_text(json.dumps(schema))
    run = run_node("validate_events.mjs", {"cases": []}, str(tmp_path))
    assert run.status == 2 and 'unknown keyword: "x-subject"' in run.stderr
