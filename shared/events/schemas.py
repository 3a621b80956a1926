"""JSON Schema of every event version: the published contract for other systems.

The current version of each event is generated from its model; `coursegen schemas` writes it to
PUBLISHED. A version that was superseded keeps its committed file there, frozen, so the folder
holds every version ever published (the code only knows how to upcast the old ones)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .catalogue import CATALOGUE
from .envelope import Event
from .subjects import subject_template

PUBLISHED = Path(__file__).resolve().parent / "schemas"
SUFFIX = ".schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# A name, not an address: nothing is served there. Strict validators (ajv) want an absolute $id.
ID_PREFIX = "urn:coursegen:event:"


def schema_name(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def parse_schema_name(name: str) -> tuple[str, int]:
    """`CourseGenerated.v2` -> ("CourseGenerated", 2)."""
    event_type, _, version = name.rpartition(".v")
    if not event_type or not version.isdigit():
        raise ValueError(f"not an event schema name: {name!r}")
    return event_type, int(version)


def schema_id(name: str) -> str:
    return f"{ID_PREFIX}{name}"


def current_schema(cls: type[Event]) -> dict[str, Any]:
    """The event as written (serialization mode: every field present). The subject sits in
    `$comment`, a keyword every validator accepts (a custom `x-` one makes strict ones refuse the
    file); programs take it from the AsyncAPI channel address or `subject_template`."""
    name = schema_name(cls.type_name(), cls.CURRENT_VERSION)
    return {"$schema": DIALECT, "$id": schema_id(name),
            "$comment": f"published on the NATS subject {subject_template(cls)}",
            **cls.model_json_schema(mode="serialization")}


def event_schemas() -> dict[str, dict[str, Any]]:
    """The current version of every event, generated from the models."""
    return {schema_name(cls.type_name(), cls.CURRENT_VERSION): current_schema(cls) for cls in CATALOGUE}


def published_schemas(folder: Path = PUBLISHED) -> dict[str, dict[str, Any]]:
    """Every version committed to `folder`, by schema name."""
    return {p.name.removesuffix(SUFFIX): json.loads(p.read_text())
            for p in sorted(folder.glob(f"*{SUFFIX}"))}


def all_versions(folder: Path = PUBLISHED) -> dict[tuple[str, int], dict[str, Any]]:
    """(event type, version) -> schema for every version: older ones as published, the current
    ones as the code generates them (so the answer is right even before `make schemas`)."""
    versions = {parse_schema_name(name): schema for name, schema in published_schemas(folder).items()}
    current = {cls.type_name(): cls.CURRENT_VERSION for cls in CATALOGUE}
    versions = {key: schema for key, schema in versions.items()
                if key[0] in current and key[1] < current[key[0]]}
    versions.update({parse_schema_name(name): schema for name, schema in event_schemas().items()})
    return dict(sorted(versions.items()))


def export_schemas(folder: Path) -> list[Path]:
    """Write the current version of every event; files of older versions are left as they are."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in event_schemas().items():
        path = folder / f"{name}{SUFFIX}"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
