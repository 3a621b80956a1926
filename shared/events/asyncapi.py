"""The AsyncAPI 3.0 document of the event log, built from the catalogue, the subject map and the
published schemas (one channel per event type, one message per version): nothing is listed by hand.

FastStream can generate AsyncAPI from a broker's publishers, but it knows one model per subject
(no older versions), puts the correlation id in a header, and invents a server; ours is exact."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.stage.runs import REQUESTS, RESULTS

from . import asyncapi_nats as nats
from .catalogue import CATALOGUE, CourseDeleted, StageCancelled, StageFailed
from .envelope import Event
from .examples import example_event, example_headers
from .publishers import GATEWAY, NATS_USERS, STAGE_SERVICES
from .schemas import PUBLISHED, all_versions, schema_name
from .subjects import subject_template

ASYNCAPI_VERSION = "3.0.0"
DESCRIPTION = f"""\
Every change to a course is an event appended to the JetStream stream `{nats.STREAM}`, on the subject
`course.<course_id>.<EventType>`, and what its learners do with it on `learning.<course_id>.<EventType>`
(each channel names its own); the stream keeps every event forever. Subscribe with a durable
consumer filtered on a channel's subject with `*` for the course (or `course.>` and `learning.>` for
everything). Delivery is
at-least-once: deduplicate by `event_id` (also sent as the `Nats-Msg-Id` header). Every message
carries the headers of `#/components/schemas/{nats.HEADERS}`: `traceparent` and
`Nats-Expected-Stream` too, and on a conditional append `Nats-Expected-Last-Subject-Sequence` and
`Nats-Expected-Last-Subject-Sequence-Subject` (the server checks them before storing the event).
Each message is one JSON envelope (`event_id`, `event_type`, `schema_version`, `course_id`,
`occurred_at`, `actor`, `correlation_id`, `causation_id`, `payload`). A published shape is never
edited: a new shape is a new `schema_version`, and every version stays listed here.
Command events (tag `command`) are appended by the gateway only, after it validated a REST
request; other systems read them but never publish them. The `append` operation of each event
type lists in `x-publishers` the NATS users (one per service) that may append it: the server
refuses every other publisher. A stage run ends at the first of these events (`x-ends-run` on
their messages, tag `ends-run`): its stage's result, `StageFailed` or `StageCancelled` (they name
`payload.stage` and `payload.task_id`), or `CourseDeleted`, which ends every run of the course;
nothing of the run is appended after it. {{stages}} See docs/subscribing.md."""
TAGS = {
    "command": "a request for a stage service to do work, appended by the gateway",
    "event": "a fact: what the gateway or a stage service recorded",
    "ends-run": "ends a stage run: nothing of that run follows it",
}
# The events after which nothing of a run is appended (shared/stage/run_appender.py ENDINGS).
ENDINGS: dict[type[Event], dict[str, Any]] = {
    **{cls: {"outcome": "succeeded", "stage": stage, "run": "payload.task_id"} for cls, stage in RESULTS.items()},
    StageFailed: {"outcome": "failed", "stage": "payload.stage", "run": "payload.task_id"},
    StageCancelled: {"outcome": "cancelled", "stage": "payload.stage", "run": "payload.task_id"},
    CourseDeleted: {"outcome": "course deleted", "stage": "every stage", "run": "every run of the course"},
}


def asyncapi_document(version: str = "0.1.0", folder: Path = PUBLISHED) -> dict[str, Any]:
    """`version` is the application's; `folder` holds the published schemas of older versions."""
    versions = all_versions(folder)
    document = {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "coursegen course events", "version": version,
                 "description": DESCRIPTION.format(stages=_stages()),
                 "tags": [{"name": n, "description": d} for n, d in TAGS.items()]},
        "defaultContentType": "application/json",
        "servers": nats.servers(),
        "channels": {}, "operations": {},
        "components": {"messages": {}, "schemas": {nats.HEADERS: nats.headers_schema()},
                       "securitySchemes": nats.security_schemes()},
    }
    for cls in CATALOGUE:
        numbers = sorted(v for (t, v) in versions if t == cls.type_name())
        for number in numbers:
            _add_message(document["components"], cls, number, versions[(cls.type_name(), number)])
        document["channels"][cls.type_name()] = _channel(cls, numbers)
        document["operations"].update(_operations(cls, numbers))
    return document


def asyncapi_json(version: str = "0.1.0") -> str:
    return json.dumps(asyncapi_document(version), indent=2)


def _stages() -> str:
    """Which command starts each stage and which events end its run."""
    results = {stage: cls for cls, stage in RESULTS.items()}
    return "; ".join(f"{stage}: {request.type_name()} starts a run, {results[stage].type_name()}, "
                     f"StageFailed or StageCancelled ends it" for request, stage in REQUESTS.items()) + "."


def _handler(command: type[Event]) -> str:
    """The stage service that consumes `command`: the one that appends its stage's result."""
    result = next(cls for cls, stage in RESULTS.items() if stage == REQUESTS[command])
    (service,) = result.PUBLISHED_BY
    return service


def _channel(cls: type[Event], numbers: list[int]) -> dict[str, Any]:
    kind = "command" if cls.COMMAND else "event"
    return {
        "address": subject_template(cls),
        "title": cls.type_name(),
        "description": f"{cls.type_name()} of every course: {TAGS[kind]}.",
        "parameters": {"course_id": {"description": "the course: 1-64 letters, digits, '-' or '_'"}},
        "messages": {_key(cls, n): {"$ref": f"#/components/messages/{_key(cls, n)}"} for n in numbers},
    }


def _operations(cls: type[Event], numbers: list[int]) -> dict[str, Any]:
    name = cls.type_name()
    messages = [{"$ref": f"#/channels/{name}/messages/{_key(cls, n)}"} for n in numbers]
    channel = {"$ref": f"#/channels/{name}"}
    publishers = [user for user in NATS_USERS if user in cls.PUBLISHED_BY]
    operations = {f"append{name}": {
        "action": "send", "channel": channel, "messages": messages,
        "summary": f"{name} is appended to the log by {_who(set(publishers))}",
        # the same declaration the NATS permissions are generated from (ops/contracts.py)
        "x-publishers": publishers,
    }}
    if cls.COMMAND:
        service = _handler(cls)
        operations[f"handle{name}"] = {
            "action": "receive", "channel": channel, "messages": messages,
            "summary": f"the {service} service consumes {name} (durable consumer, at-least-once)",
            "description": (f"Every instance of the {service} service pulls from one durable JetStream consumer "
                            f"named `{service}` on `course.*.{name}` (explicit acks), so each request is "
                            "worked on by one instance, like a NATS queue group."),
            "bindings": nats.consumer_binding(service),
        }
    return operations


def _who(users: set[str]) -> str:
    stages = users - {GATEWAY}
    named = ("every stage service" if stages == set(STAGE_SERVICES) else
             " and ".join(f"the {user} service" for user in STAGE_SERVICES if user in stages))
    return " and ".join(part for part in (named, "the gateway" * (GATEWAY in users)) if part)


def _add_message(components: dict[str, Any], cls: type[Event], number: int, schema: dict[str, Any]) -> None:
    key = _key(cls, number)
    # Without `$id` (it would move the base of the rebased references) and `$schema` (the document
    # says the dialect); what is left is the published schema.
    inline = {k: v for k, v in schema.items() if k not in ("$id", "$schema")}
    components["schemas"][key] = _rebase(inline, f"#/components/schemas/{key}")
    message = {
        "name": cls.type_name(),
        "title": f"{cls.type_name()} v{number}",
        "summary": f"schema_version {number}" + (" (current)" if number == cls.CURRENT_VERSION else
                                                 " (older: upcast to the current version when read)"),
        "contentType": "application/json",
        "headers": {"$ref": f"#/components/schemas/{nats.HEADERS}"},
        "payload": {"$ref": f"#/components/schemas/{key}"},
        "correlationId": {"location": "$message.payload#/correlation_id",
                          "description": "the stage run the event belongs to"},
        "tags": [{"name": "command" if cls.COMMAND else "event"}] + [{"name": "ends-run"}] * (cls in ENDINGS),
    }
    if cls in ENDINGS:
        message["x-ends-run"] = ENDINGS[cls]
    if number == cls.CURRENT_VERSION:
        # An older version has no model left to build one from; its schema is all there is.
        event = example_event(cls)
        message["examples"] = [{"name": "minimal", "summary": "every required field, the others at their default",
                                "headers": example_headers(event), "payload": json.loads(event.to_json())}]
    components["messages"][key] = message


def _key(cls: type[Event], number: int) -> str:
    return schema_name(cls.type_name(), number)


def _rebase(node: Any, base: str) -> Any:
    """Point the schema's local references (`#/$defs/X`) at where it sits in the document."""
    if isinstance(node, dict):
        return {k: (base + v[1:] if k == "$ref" and isinstance(v, str) and v.startswith("#/")
                    else _rebase(v, base)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase(v, base) for v in node]
    return node
