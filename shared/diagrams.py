"""The diagrams of a course's sources (```mermaid, ```dot and ```graphviz blocks) as stage 4 drew them:
which fence languages are diagrams, the key of one diagram, and the artefact a run keeps of the
drawn ones (`diagrams.json` beside its export) for the gateway, which serves it to the web reader
(`GET /api/courses/{id}/diagrams`). Stage 4's export (services/modules/export/pictures.py) and the
gateway both read this module: one key, one file name. Pure."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping

# Fence languages → the renderer that draws them (services/modules/diagram_renderer.py); Mermaid's own
# documentation writes its examples as ```mermaid-example.
DIAGRAM_LANGUAGES = {"mermaid": "mermaid", "mermaid-example": "mermaid", "dot": "dot", "graphviz": "dot"}
DIAGRAMS_FILE = "diagrams.json"


def diagram_key(language: str, source: str) -> str:
    return hashlib.sha256(f"{DIAGRAM_LANGUAGES.get(language, language)}\n{source.strip()}".encode()).hexdigest()[:24]


def diagrams_name(task_id: str) -> str:
    """The name of a stage 4 run's drawn diagrams in the course's artefacts."""
    return f"{task_id}/{DIAGRAMS_FILE}"


def diagrams_ref(export_ref: str) -> str:
    """The drawn diagrams beside a run's zip (`<course>/<task>/course.zip`): derived from the zip's
    reference, so a fork, which keeps its source's references, finds them too."""
    return f"{export_ref.rpartition('/')[0]}/{DIAGRAMS_FILE}"


def diagrams_artefact(blocks: Iterable[tuple[str, str]], drawn: Mapping[str, str]) -> bytes:
    """diagrams.json: each drawn diagram (language, source) of `blocks` by its key, with its renderer,
    its source (what the web reader finds it by in a module's Markdown) and its SVG."""
    found: dict[str, dict[str, str]] = {}
    for language, source in blocks:
        key = diagram_key(language, source)
        if key in drawn and key not in found:
            found[key] = {"renderer": DIAGRAM_LANGUAGES.get(language, language), "source": source.strip(),
                          "svg": drawn[key]}
    return json.dumps({"diagrams": found}, sort_keys=True, ensure_ascii=False).encode()


def read_diagrams(data: bytes | None) -> dict[str, Any]:
    """The answer of `GET …/diagrams` from an artefact (None: a run that kept none — drawn before
    they were kept, or its artefacts are gone — so every diagram shows its source)."""
    kept = json.loads(data).get("diagrams", {}) if data else {}
    return {"languages": dict(DIAGRAM_LANGUAGES),
            "diagrams": [{"key": key, **entry} for key, entry in sorted(kept.items())]}
