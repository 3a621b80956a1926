"""What a client needs to reach the event log over NATS, for the AsyncAPI document: the server (with
where its URL comes from), how a client authenticates, the headers every message carries
(shared/bus/eventstore.py sends them) and the NATS binding of a stage service's consumer.

AsyncAPI's NATS bindings define only an operation binding (`queue`); its server, channel and
message bindings are reserved and empty, so the JetStream stream is named in `x-jetstream`."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from shared.settings import ServiceSettings

from .envelope import UUID_PATTERN
from .subjects import ALL_EVENTS

NATS_BINDING_VERSION = "0.1.0"
SERVER = "coursegen"
SECURITY = "natsUser"
HEADERS = "EventHeaders"
_DEFAULTS = {name: field.default for name, field in ServiceSettings.model_fields.items()}
STREAM = _DEFAULTS["stream_name"]
DEFAULT_URL = urlsplit(_DEFAULTS["nats_url"])
TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


def servers() -> dict[str, Any]:
    return {SERVER: {
        "host": "{host}:{port}",
        "protocol": "nats",
        "title": "the NATS server holding the coursegen event log",
        "description": (
            "The server every coursegen service is given in NATS_URL (shared/settings.py; the default is "
            f"`{_DEFAULTS['nats_url']}`). `make run` (`coursegen run`) uses NATS_URL when it is set; otherwise "
            "it starts its own nats-server on 127.0.0.1 at a free port and writes its URL to "
            "`.data/runtime.json` (`nats_url`; COURSEGEN_DATA_DIR moves the folder): read the port there. "
            "In Kubernetes (deploy/k8s) the server is `nats:4222`. A URL may also start with tls://, ws:// "
            f"or wss://. JetStream is on: the events are in the stream `{STREAM}` (STREAM_NAME), subjects "
            f"{', '.join(f'`{subjects}`' for subjects in ALL_EVENTS)}, kept forever."),
        "variables": {
            "host": {"default": DEFAULT_URL.hostname,
                     "description": "NATS_URL's host (`make run`: 127.0.0.1; Kubernetes: `nats`)"},
            "port": {"default": str(DEFAULT_URL.port),
                     "description": "NATS_URL's port (`make run` picks a free one: `.data/runtime.json`)"},
        },
        "security": [{"$ref": f"#/components/securitySchemes/{SECURITY}"}],
        "x-jetstream": {"stream": STREAM, "subjects": list(ALL_EVENTS),
                        "duplicateWindowSeconds": _DEFAULTS["duplicate_window_seconds"]},
    }}


def security_schemes() -> dict[str, Any]:
    return {SECURITY: {
        "type": "userPassword",
        "description": (
            "A NATS user and password, in the URL (nats://user:password@host:port). Deployments define one "
            "user per service in deploy/nats-accounts.conf, each allowed to publish only the event types it "
            "appends (see `x-publishers`); give a reader its own user that may only subscribe. The server "
            "`make run` starts has no users."),
    }}


def headers_schema() -> dict[str, Any]:
    """Every header an event is published with. Only `Nats-Msg-Id` is always there; a client must
    accept the others being absent (events appended by other tools) and ignore ones it does not know."""
    expected = "On a conditional append only (the gateway's commands, a stage run's events): "
    return {
        "type": "object",
        "required": ["Nats-Msg-Id"],
        "properties": {
            "Nats-Msg-Id": {
                "type": "string", "format": "uuid", "pattern": UUID_PATTERN,
                "description": (
                    "Equals the envelope's `event_id`. JetStream stores a message with an id it stored in the "
                    f"last {_DEFAULTS['duplicate_window_seconds']:g} s (DUPLICATE_WINDOW_SECONDS) only once; "
                    "later repeats are possible, so deduplicate on it yourself too.")},
            "traceparent": {
                "type": "string", "pattern": TRACEPARENT_PATTERN,
                "description": (
                    "W3C Trace Context of the span that appended the event (every coursegen service sends "
                    "it): continue it in your consumer's span to join the request's trace.")},
            "tracestate": {
                "type": "string",
                "description": "W3C Trace Context vendor state, sent along with `traceparent` when the trace has some"},
            "baggage": {
                "type": "string",
                "description": "W3C Baggage, sent when the trace carries baggage (OTEL_PROPAGATORS decides)"},
            "Nats-Expected-Stream": {
                "type": "string", "pattern": "^[A-Za-z0-9_-]+$",
                "description": (
                    f"The stream the publisher appends to (`{STREAM}`, STREAM_NAME): the server refuses the event "
                    "if its subject belongs to another stream. The NATS client sends it; a reader can ignore it.")},
            "Nats-Expected-Last-Subject-Sequence": {
                "type": "string", "pattern": "^[0-9]+$",
                "description": (
                    expected + "the server stores the event only if the last message on the subjects of "
                    "`Nats-Expected-Last-Subject-Sequence-Subject` has this stream sequence (0: none). A "
                    "reader can ignore it.")},
            "Nats-Expected-Last-Subject-Sequence-Subject": {
                "type": "string", "pattern": r"^course\.[A-Za-z0-9_-]{1,64}\.>$",
                "description": expected + "the course's subjects, `course.<course_id>.>`, the sequence is checked on"},
        },
    }


def consumer_binding(service: str) -> dict[str, Any]:
    """How a stage service consumes its commands: every instance pulls from one durable JetStream
    consumer named after the service, so each command is worked on by one of them."""
    return {"nats": {"queue": service, "bindingVersion": NATS_BINDING_VERSION}}
