"""The gateway's operations as its OpenAPI lists them, a request each one accepts, and a course
whose stage 1 has succeeded to send them to (shared by the hostile-request and the access tests, so
both cover every endpoint the moment it exists)."""
from __future__ import annotations

import json

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.bus.eventstore import EventStore
from shared.events.catalogue import RepoCloned, RepoCloneRequested, RepoFilesDiscovered
from tests.support.gateway import JWT_SECRET

SPEC = create_app(GatewaySettings(environment="test", jwt_secret=JWT_SECRET)).openapi()
UI_ROUTES = ("/docs", "/redoc", "/openapi", "/ui")
OPERATIONS = sorted((method.upper(), path) for path, ops in SPEC["paths"].items()
                    if not path.startswith(UI_ROUTES) for method in ops)
PUBLIC_REPO = "https://93.184.216.34/owner/repo.git"  # a public IP literal: accepted without DNS
VALID = {"repo_url": PUBLIC_REPO, "selected_folders": ["docs"], "overview_document": "README.md",
         "language": "fr"}  # a BCP 47 tag the gateway checks: "x" is refused before access is


def resolve(schema: dict) -> dict:
    ref = schema.get("$ref")
    return SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def variants(schema: dict) -> list[dict]:
    return [resolve(s) for s in resolve(schema).get("anyOf", [resolve(schema)])]


def kinds(schema: dict) -> set[str]:
    return {v.get("type") for v in variants(schema)}


def constraint(schema: dict, key: str):
    return next((v[key] for v in variants(schema) if key in v), None)


def sample(schema: dict):
    """A value the schema accepts."""
    v = next(v for v in variants(schema) if v.get("type") != "null")
    if "enum" in v:
        return v["enum"][0]
    if v.get("type") == "object" and "properties" in v:
        return valid_body(v)
    if v.get("type") == "string" and v.get("format") == "date":
        return "2026-01-01"
    if v.get("type") == "string" and "@" in v.get("pattern", ""):
        return "x@example.org"
    return {"string": "x", "integer": v.get("minimum", 1), "number": v.get("minimum", 1.0), "boolean": True,
            "array": [sample(v["items"])] if v.get("type") == "array" else None, "object": {}}[v.get("type")]


def body_schema(operation: dict) -> dict | None:
    """The object a body must be (of an optional body, `X | None`, the X)."""
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if not schema:
        return None
    return next((v for v in variants(schema) if "properties" in v), resolve(schema))


def valid_body(model: dict) -> dict:
    return {name: VALID.get(name, sample(schema)) for name, schema in model["properties"].items()}


def base_request(operation: dict, course_id: str) -> tuple[dict, dict, bytes | None]:
    """Path parameters, required query parameters and a body, all of which the schema accepts."""
    params = [p for p in operation.get("parameters", []) if p["in"] == "path" or p.get("required")]
    values = {p["name"]: course_id if p["name"] == "course_id" else str(sample(p["schema"])) for p in params}
    path = {p["name"]: values.pop(p["name"]) for p in params if p["in"] == "path"}
    model = body_schema(operation)
    return path, values, json.dumps(valid_body(model)).encode() if model else None


def headers_for(who: dict, body: bytes | None) -> dict:
    return {**who, **({"content-type": "application/json"} if body is not None else {})}


async def seed_scanned_repository(c, course_id: str) -> None:
    """Stage 1 succeeded on a tree with docs/guide.md and README.md, as repo_clone would say."""
    store, task = EventStore(c.js), "seedtask"
    await store.publish(RepoCloneRequested(course_id=course_id, actor="alice",
                                           payload={"task_id": task, "repo_url": PUBLIC_REPO}))
    files = [{"path": "docs/guide.md", "size": 10, "is_documentation": True},
             {"path": "README.md", "size": 5, "is_documentation": True, "is_overview_candidate": True}]
    await store.publish(RepoFilesDiscovered(course_id=course_id, actor="repo_clone", payload={
        "task_id": task, "chunk_index": 0, "chunk_count": 1, "files": files}))
    seq = (await store.publish(RepoCloned(course_id=course_id, actor="repo_clone", payload={
        "task_id": task, "repo_url": PUBLIC_REPO, "repo_name": "repo", "commit_sha": "0" * 40,
        "file_count": 2, "documentation_count": 2, "chunk_count": 1, "snapshot_ref": "snap"}))).stream_seq
    assert await c.projector.wait_for(seq, 10)
