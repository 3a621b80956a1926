"""The published event contract (issue 9): the committed JSON Schemas are what the code
generates, an older version is only ever kept with an upcaster, and the AsyncAPI document at
/asyncapi describes every event type and version exactly as events are published."""
from __future__ import annotations

import json
import re

import httpx
import jsonschema_rs
import pytest
from hypothesis import given, settings as hypothesis_settings

from ops.cli import main as coursegen
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.events import CATALOGUE, EVENT_TYPES, subject_for
from shared.events.asyncapi import asyncapi_document
from shared.events.codec import UPCASTERS
from shared.events.schemas import (
    all_versions, event_schemas, parse_schema_name, published_schemas, schema_name,
)
from shared.events.subjects import subject_template
from tests.support.event_strategies import model

CHANGED = ("the model of {name} no longer matches its published schema: a published shape is never "
           "edited. Bump CURRENT_VERSION, register an upcaster from the old version, then `make schemas`")
COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9.\-_]+$")


# --- the committed JSON Schemas ------------------------------------------------------------------
@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.type_name())
def test_the_current_version_of_every_event_is_published_unchanged(cls):
    name = schema_name(cls.type_name(), cls.CURRENT_VERSION)
    published = published_schemas()
    assert name in published, f"{name} is not published: run `make schemas` and commit it"
    assert published[name] == event_schemas()[name], CHANGED.format(name=name)


def test_every_published_schema_is_a_known_version():
    for name in published_schemas():
        event_type, version = parse_schema_name(name)
        assert event_type in EVENT_TYPES, f"{name}: no such event in the catalogue"
        assert 1 <= version <= EVENT_TYPES[event_type].CURRENT_VERSION, f"{name}: version from the future"


def test_every_older_published_version_upcasts_to_the_current_one():
    for name in published_schemas():
        event_type, version = parse_schema_name(name)
        missing = [v for v in range(version, EVENT_TYPES[event_type].CURRENT_VERSION)
                   if (event_type, v) not in UPCASTERS]
        assert not missing, f"{name} is published but there is no upcaster from v{missing}"


def test_coursegen_schemas_writes_the_current_version_of_every_event(tmp_path, capsys):
    assert coursegen(["schemas", "--out", str(tmp_path)]) == 0
    assert published_schemas(tmp_path) == event_schemas()
    assert len(capsys.readouterr().out.splitlines()) == len(CATALOGUE)


def test_an_older_version_stays_listed_and_a_stray_one_does_not(tmp_path):
    """What happens when an event gets v2: v1's committed file is kept and still described."""
    coursegen(["schemas", "--out", str(tmp_path)])
    frozen = {"title": "CourseCreated v0", "type": "object"}
    (tmp_path / "CourseCreated.v0.schema.json").write_text(json.dumps(frozen))
    (tmp_path / "CourseCreated.v9.schema.json").write_text(json.dumps(frozen))
    (tmp_path / "Vanished.v1.schema.json").write_text(json.dumps(frozen))
    versions = all_versions(tmp_path)
    assert versions[("CourseCreated", 0)] == frozen
    assert ("CourseCreated", 9) not in versions and ("Vanished", 1) not in versions
    document = asyncapi_document(folder=tmp_path)
    assert set(document["channels"]["CourseCreated"]["messages"]) == {"CourseCreated.v0", "CourseCreated.v1"}
    assert "older" in document["components"]["messages"]["CourseCreated.v0"]["summary"]


# --- the AsyncAPI document -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads(json.dumps(asyncapi_document("1.2.3")))  # it is plain JSON


def test_asyncapi_has_the_required_top_level_fields(document):
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] and document["info"]["version"] == "1.2.3"
    assert document["defaultContentType"] == "application/json"
    assert {"channels", "operations", "components"} <= set(document)


def test_asyncapi_describes_every_event_type_and_version(document):
    described = {(m["name"], int(key.rpartition(".v")[2]))
                 for key, m in document["components"]["messages"].items()}
    assert described == set(all_versions())
    assert {(cls.type_name(), cls.CURRENT_VERSION) for cls in CATALOGUE} <= described
    for cls in CATALOGUE:
        channel = document["channels"][cls.type_name()]
        assert channel["address"] == subject_template(cls) == f"{cls.SUBJECT_ROOT}.{{course_id}}.{cls.type_name()}"
        assert set(channel["parameters"]) == {"course_id"}
        assert f"{cls.type_name()}.v{cls.CURRENT_VERSION}" in channel["messages"]


def test_asyncapi_marks_the_command_events(document):
    commands = {cls.type_name() for cls in CATALOGUE if cls.COMMAND}
    assert commands == {"RepoCloneRequested", "DocsAnalysisRequested", "PathwaysRequested",
                        "CourseGenerationRequested"}
    received = {op["channel"]["$ref"].rpartition("/")[2]
                for op in document["operations"].values() if op["action"] == "receive"}
    assert received == commands
    sent = {op["channel"]["$ref"].rpartition("/")[2]
            for op in document["operations"].values() if op["action"] == "send"}
    assert sent == set(EVENT_TYPES)
    for key, message in document["components"]["messages"].items():
        tag = "command" if message["name"] in commands else "event"
        assert message["tags"][0] == {"name": tag}, key
        assert message["tags"][1:] in ([], [{"name": "ends-run"}]), key  # the events that end a stage run


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_reference_in_asyncapi_resolves(document):
    refs = set(_refs(document))
    assert len(refs) > len(CATALOGUE)
    for ref in refs:
        _resolve(document, ref)
    for section in ("channels", "operations"):
        assert all(COMPONENT_KEY.match(key) for key in document[section])
    for section in ("messages", "schemas"):
        assert all(COMPONENT_KEY.match(key) for key in document["components"][section])


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.type_name())
def test_every_published_event_matches_its_asyncapi_payload(cls, document):
    key = f"{cls.type_name()}.v{cls.CURRENT_VERSION}"
    payload_ref = document["components"]["messages"][key]["payload"]["$ref"]
    validator = jsonschema_rs.Draft202012Validator({"$ref": payload_ref, "components": document["components"]})

    @given(model(cls))
    @hypothesis_settings(max_examples=25, deadline=None)
    def check(event):
        validator.validate(json.loads(event.to_json()))
        subject = subject_template(cls).replace("{course_id}", event.course_id)
        assert subject == subject_for(event)

    check()


async def test_the_gateway_serves_asyncapi_without_a_token():
    app = create_app(GatewaySettings(environment="test", jwt_secret="contract-test-secret-" + "0" * 32))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as api:
        response = await api.get("/asyncapi")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(json.dumps(asyncapi_document(app.version)))

