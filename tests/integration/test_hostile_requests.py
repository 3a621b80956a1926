"""Hostile requests against every operation of the gateway's OpenAPI (issue 7): wrong JSON types,
missing fields, huge and odd text, path traversal in selections, malformed, non-object and oversized
bodies, bad path and query parameters. Each refusal is a 4xx whose `detail` says something, and no
refused request appends to the event log or logs an error. Operations and fields come from
`app.openapi()`, so a new endpoint is covered at once. Values marked invalid are refused whatever
the course's state; the others (valid text, for instance) may succeed, but never with a 5xx."""
from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass

import pytest

from tests.support.gateway import auth, running_gateway
from tests.support.flows import ALICE, new_course
from tests.support.operations import (
    OPERATIONS, SPEC, base_request, body_schema, constraint, headers_for, kinds, seed_scanned_repository,
    valid_body, variants,
)
from tests.support.waiting import patient

HUGE = "x" * 100_000
INVALID_TEXT = ["a\x00b", "\ud800", "bell\x07", "x\x1by"]  # json.dumps sends "\ud800" as raw \ud800
ODD_TEXT = ["\u202eevil.md", "\U0001f99c\U0001f469\u200d\U0001f4bb", "e\u0301\u0301\u0301", "\ufb01 \u0130 \u05d0"]
TRAVERSAL = ["../etc/passwd", "/abs", "a/../../b", "a\\b"]
SELECTION_FIELDS = ("selected_folders", "overview_document")
JSON_TYPES = {type(None): "null", int: "integer", float: "number", list: "array", dict: "object", str: "string"}
BAD_JSON = [b"{not json", b'{"a": ', b"\xff\xfe\x00", b"", b"[" * 100_000, b'{"a": 1} {"b": 2}']
NOT_OBJECTS = [b"[]", b'"x"', b"null", b"1", b"true"]
BAD_PATH = {"string": ["%2E%2E", "..", "x" * 200, "%00", "%C3%A9t%C3%A9", "%F0%9F%A6%9C", "a%20b", "a%2Fb",
                       "nosuchcourse"],
            "integer": ["0", "5", "-1", "x", "1.5", "%00", "9" * 30]}


@dataclass
class Case:
    name: str
    invalid: bool
    path: dict
    query: dict
    body: bytes | None = None
    expect: int | None = None  # the exact status, where the refusal is known
    mention: str | None = None  # what the detail must name


def body_cases(model: dict) -> list[Case]:
    props, base, cases = model["properties"], valid_body(model), []

    def case(name, body, invalid, expect=None, mention=None, raw=False):
        cases.append(Case(name, invalid, {}, {}, body if raw else json.dumps(body).encode(), expect, mention))

    for name, schema in props.items():
        for wrong in (42, 1.5, [], {}, "s", None):
            if JSON_TYPES[type(wrong)] not in kinds(schema):
                case(f"{name}: {wrong!r}", {**base, name: wrong}, True)
        text = next((v["items"] for v in variants(schema) if v.get("type") == "array"), schema)
        if "string" in kinds(text):
            wrap = (lambda v: [v]) if "array" in kinds(schema) else (lambda v: v)
            limit = constraint(text, "maxLength")
            case(f"{name}: 100k chars", {**base, name: wrap(HUGE)}, limit is not None and limit < len(HUGE))
            for value in INVALID_TEXT:
                case(f"{name}: {value!r}", {**base, name: wrap(value)}, True)
            for value in ODD_TEXT:
                case(f"{name}: {value!r}", {**base, name: wrap(value)}, False)
            selection = name in SELECTION_FIELDS
            for value in TRAVERSAL:
                case(f"{name}: {value!r}", {**base, name: wrap(value)}, selection,
                     422 if selection else None, repr(value) if selection else None)
        if constraint(schema, "enum"):
            case(f"{name}: unknown enum", {**base, name: "no-such-value"}, True, 422)
        if kinds(schema) & {"integer", "number"}:
            low, high = constraint(schema, "minimum"), constraint(schema, "maximum")
            for value, invalid in ((None if low is None else low - 1, True), (None if high is None else high + 1, True),
                                   (10 ** 30, high is not None), (-10 ** 30, low is not None)):
                if value is not None:
                    case(f"{name}: {value}", {**base, name: value}, invalid)
            if "number" in kinds(schema):
                for value in ("NaN", "Infinity", "-Infinity"):  # JSON has no such numbers; Python's parser does
                    case(f"{name}: {value}", f'{{"{name}": {value}}}', True, raw=True)
    for name in model.get("required", []):
        case(f"missing {name}", {k: v for k, v in base.items() if k != name}, True, 422, name)
    if model.get("additionalProperties") is False:
        case("unknown field", {**base, "owner_id": "mallory"}, True, 422, "owner_id")
    for raw in BAD_JSON + NOT_OBJECTS:
        case(f"body {raw[:12]!r}", raw, True, raw=True)
    return cases


def parameter_cases(operation: dict) -> list[Case]:
    cases = []
    for p in operation.get("parameters", []):
        name, schema = p["name"], p["schema"]
        if p["in"] == "path":
            bad = BAD_PATH["integer" if "integer" in kinds(schema) else "string"]
            cases += [Case(f"path {name}={v[:20]!r}", True, {name: v}, {}) for v in bad]
        elif p["in"] == "query":
            pattern, enum = constraint(schema, "pattern"), constraint(schema, "enum")
            if "integer" in kinds(schema):
                low, high = constraint(schema, "minimum"), constraint(schema, "maximum")
                values = [("-1", low is not None and low > -1), (str(10 ** 30), high is not None),
                          (str(-10 ** 30), low is not None), ("abc", True), ("1.5", True), ("", False)]
                values += [(str(high), False)] if high is not None else []  # the largest allowed
            else:
                values = [(v, bool(enum and v not in enum or pattern and not re.search(pattern, v)))
                          for v in ("no-such-value", "../etc/passwd", "\x00", "x" * 200, "STAGE1", "")]
            cases += [Case(f"query {name}={v[:20]!r}", invalid, {}, {name: v}) for v, invalid in values]
    return cases


def refusal_problems(response, case: Case) -> list[str]:
    problems = [f"status {response.status_code}"] if not 400 <= response.status_code < 500 else []
    if case.expect and response.status_code != case.expect:
        problems.append(f"status {response.status_code}, expected {case.expect}")
    try:
        detail = response.json()["detail"]
        text = detail if isinstance(detail, str) else " ".join(f"{e['loc']} {e['msg']}" for e in detail)
    except (ValueError, KeyError, TypeError):
        return problems + [f"no JSON detail: {response.text[:200]!r}"]
    if not text.strip() or not all(isinstance(detail, str) or e["msg"] for e in detail):
        problems.append(f"empty detail {detail!r}")
    if case.mention and case.mention not in text:
        problems.append(f"detail does not mention {case.mention!r}: {detail!r}")
    return problems


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
async def test_hostile_requests_are_refused_with_a_4xx_and_write_nothing(settings, caplog, method, path):
    operation, model = SPEC["paths"][path][method.lower()], body_schema(SPEC["paths"][path][method.lower()])
    limit = settings.max_body_bytes
    oversized = Case("oversized body", True, {}, {}, json.dumps({"x": "y" * limit}).encode(), 413, str(limit))
    cases = parameter_cases(operation) + [oversized] + (body_cases(model) if model else [])
    cases.sort(key=lambda case: not case.invalid)  # every invalid case before any that may succeed
    async with running_gateway(settings) as api:
        c = api.app.state.container
        assert (method, path) in {(m.upper(), p) for p, ops in api.app.openapi()["paths"].items() for m in ops}
        course_id = await new_course(api)
        await seed_scanned_repository(c, course_id)
        base_path, base_query, base_body = base_request(operation, course_id)
        # Operators' endpoints refuse alice (403) before looking at the input: they get admin's
        # token. The probe changes nothing: its path parameters or its body are invalid.
        probe = b"[]" if model else None
        forbidden = await api.request(method, path.format(**{k: "%00" for k in base_path}), params=base_query,
                                      content=probe, headers=headers_for(ALICE, probe))
        who = auth("admin") if forbidden.status_code == 403 else ALICE
        failures, log_start = [], len(caplog.records)
        for case in cases:
            body = case.body if case.body is not None else base_body
            before = (await c.js.stream_info("COURSES")).state.last_seq
            try:
                response = await asyncio.wait_for(api.request(
                    method, path.format(**{**base_path, **case.path}), params={**base_query, **case.query},
                    content=body, headers=headers_for(who, body)), patient(20))
            except Exception as exc:  # the in-process transport re-raises what became a 500
                failures.append(f"{case.name} -> raised {exc.__class__.__name__}: {str(exc)[:200]}")
                continue
            wrote = (await c.js.stream_info("COURSES")).state.last_seq != before
            refused = case.invalid or response.status_code >= 300
            problems = (refusal_problems(response, case) if refused else []) + \
                (["appended to the event log"] if refused and wrote else [])
            if problems:
                failures.append(f"{case.name} -> {response.status_code}: {'; '.join(problems)}")
        errors = [r.getMessage() for r in caplog.records[log_start:] if r.levelno >= logging.ERROR]
        assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)
        assert not errors, errors
