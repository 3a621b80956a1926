"""JSON Schema of every event version: the published contract for other systems."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .catalogue import CATALOGUE
from .subjects import ROOT


def event_schemas() -> dict[str, dict[str, Any]]:
    schemas = {}
    for cls in CATALOGUE:
        schema = cls.model_json_schema()
        schema["x-subject"] = f"{ROOT}.{{course_id}}.{cls.type_name()}"
        schemas[f"{cls.type_name()}.v{cls.CURRENT_VERSION}"] = schema
    return schemas


def export_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in event_schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
