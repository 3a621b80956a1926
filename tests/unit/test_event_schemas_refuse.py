"""The published event schemas say what the docs promise (issue 20): every event coursegen writes
validates with the reference validator (Draft 2020-12, formats checked), an envelope the docs
forbid is refused, and the files hold only standard keywords, so strict validators load them."""
from __future__ import annotations

import json
from datetime import timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from shared.events import CATALOGUE, EVENT_TYPES
from shared.events.asyncapi import asyncapi_document
from shared.events.schemas import DIALECT, published_schemas, schema_name
from tests.support.event_strategies import model
from tests.support.forbidden_envelopes import FORBIDDEN

VALIDATOR = Draft202012Validator
CHECKER = VALIDATOR.FORMAT_CHECKER
ANY_EVENT = st.sampled_from(CATALOGUE).flatmap(model)


def _validator(event_type: str, version: int = 1) -> Draft202012Validator:
    return VALIDATOR(published_schemas()[schema_name(event_type, version)], format_checker=CHECKER)


def test_the_format_checker_really_checks_the_formats_the_schemas_use():
    # jsonschema skips date-time silently when rfc3339-validator is missing (pyproject installs it)
    assert {"date-time", "uuid"} <= set(CHECKER.checkers)
    assert not CHECKER.conforms("2026-11-22 19:25", "date-time")


@pytest.mark.parametrize("name", sorted(published_schemas()))
def test_every_published_schema_is_a_sound_2020_12_schema_with_an_id(name):
    schema = published_schemas()[name]
    VALIDATOR.check_schema(schema)
    assert schema["$schema"] == DIALECT
    assert schema["$id"].endswith(name) and ":" in schema["$id"]  # an absolute URI, one per file
    assert "$defs" not in schema or all(ref.startswith("#/$defs/") for ref in _refs(schema))


def test_every_schema_has_its_own_id():
    ids = [schema["$id"] for schema in published_schemas().values()]
    assert len(set(ids)) == len(ids)


# Keywords of the 2020-12 vocabularies (core, applicator, validation, meta-data, format, content,
# unevaluated): ajv's strict mode refuses a schema with any other keyword (e.g. the old x-subject).
KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "$comment", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
    "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
    "maxProperties", "minProperties", "required", "dependentRequired",
    "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
    "format", "contentEncoding", "contentMediaType", "contentSchema",
    "unevaluatedItems", "unevaluatedProperties",
}
SCHEMA_MAPS = {"$defs", "properties", "patternProperties", "dependentSchemas"}
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
VALUES = {"enum", "const", "default", "examples", "required"}


def _keywords(schema: Any):
    """Every keyword used at a schema position (not inside enum/const/default values)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        yield key
        if key in SCHEMA_MAPS:
            for sub in value.values():
                yield from _keywords(sub)
        elif key in SCHEMA_LISTS:
            for sub in value:
                yield from _keywords(sub)
        elif key not in VALUES and isinstance(value, dict):
            yield from _keywords(value)


def _refs(node: Any):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from ([value] if key == "$ref" else _refs(value))
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.parametrize("name", sorted(published_schemas()))
def test_every_published_schema_uses_only_standard_keywords(name):
    schema = published_schemas()[name]
    assert set(_keywords(schema)) <= KEYWORDS, set(_keywords(schema)) - KEYWORDS
    root = EVENT_TYPES[name.split(".")[0]].SUBJECT_ROOT
    assert f"published on the NATS subject {root}.{{course_id}}." in schema["$comment"]


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.type_name())
def test_every_event_coursegen_writes_validates_against_its_published_schema(cls):
    validator = _validator(cls.type_name(), cls.CURRENT_VERSION)

    @given(model(cls))
    @hypothesis_settings(max_examples=40, deadline=None)
    def check(event):
        errors = [error.message for error in validator.iter_errors(json.loads(event.to_json()))]
        assert not errors

    check()


@pytest.mark.parametrize("case", FORBIDDEN)
@given(event=ANY_EVENT)
@hypothesis_settings(max_examples=10, deadline=None)
def test_an_envelope_the_docs_forbid_is_refused(case, event):
    spoil, keyword = FORBIDDEN[case]
    raw = spoil(json.loads(event.to_json()))
    errors = list(_validator(event.event_type, event.schema_version).iter_errors(raw))
    assert errors, f"{case}: accepted {raw}"
    found = {e.validator for error in errors for e in (error, *error.context)}  # context: anyOf's branches
    assert keyword in found, [error.message for error in errors]


@pytest.mark.parametrize("course_id", ["", "a.b c*", "a" * 65])
def test_the_model_refuses_a_course_id_that_is_no_subject_token(course_id):
    cls = next(cls for cls in CATALOGUE if cls.type_name() == "CourseDeleted")
    with pytest.raises(ValidationError, match="course_id must be 1-64 characters"):
        cls(course_id=course_id, actor="alice", payload={})


@given(event=ANY_EVENT)
@hypothesis_settings(max_examples=20, deadline=None)
def test_the_model_refuses_schema_version_0_and_reads_any_offset_as_utc(event):
    """Version 0 is no shape any upcaster ends at; an offset other than UTC reads back losslessly
    (the model stays lenient for what may be in a log) and is written as UTC, which the schema says."""
    raw = json.loads(event.to_json())
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        type(event).model_validate({**raw, "schema_version": 0})
    local = event.occurred_at.astimezone(timezone(timedelta(hours=5))).isoformat()
    shifted = type(event).model_validate({**raw, "occurred_at": local})
    assert shifted.occurred_at == event.occurred_at
    assert json.loads(shifted.to_json())["occurred_at"].endswith("Z")


def test_asyncapi_embeds_the_schemas_without_their_id_and_dialect():
    """An $id inside the document would move the base its rebased references resolve against."""
    schemas = asyncapi_document()["components"]["schemas"]
    assert schemas and not [key for key, schema in schemas.items() if {"$id", "$schema"} & set(schema)]
