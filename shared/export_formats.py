"""The formats a course exports to: one table that stage 4 (which builds them), the gateway (which
serves them), the CLI and the web UI (which offer them) all read. Every format of a version is an
artefact beside its zip (`<course>/<task>/course.<suffix>`), and `exports.json` beside them says
which were built and why one was not."""
from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ExportFormat:
    name: str           # what ?format= takes
    label: str          # what a person is offered
    suffix: str         # the file name's ending, after "course"
    media_type: str


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("zip", "Markdown and static site (zip)", ".zip", "application/zip"),
    ExportFormat("scorm12", "SCORM 1.2 package", ".scorm12.zip", "application/zip"),
    ExportFormat("scorm2004", "SCORM 2004 package", ".scorm2004.zip", "application/zip"),
    ExportFormat("imscc", "IMS Common Cartridge", ".imscc", "application/zip"),
    ExportFormat("html", "One HTML file", ".html", "text/html; charset=utf-8"),
    ExportFormat("pdf", "PDF", ".pdf", "application/pdf"),
    ExportFormat("epub", "EPUB", ".epub", "application/epub+zip"),
)}
DEFAULT_FORMAT = "zip"
EXPORTS_INDEX = "exports.json"


def file_name(format_name: str) -> str:
    """The file a run's export in `format_name` is, in its run's folder of artefacts."""
    return f"course{FORMATS[format_name].suffix}"


def artefact_name(task_id: str, format_name: str) -> str:
    """The name of a run's export in `format_name` in the course's artefacts."""
    return f"{task_id}/{file_name(format_name)}"


def index_name(task_id: str) -> str:
    return f"{task_id}/{EXPORTS_INDEX}"


def index_of(built: dict[str, int], problems: dict[str, str]) -> bytes:
    """exports.json: each built format's size, and why each other format was not built."""
    return json.dumps({"formats": {name: {"bytes": size} for name, size in built.items()},
                       "problems": problems}, sort_keys=True).encode()


def read_index(data: bytes) -> tuple[dict[str, int], dict[str, str]]:
    found = json.loads(data)
    return ({name: int(entry["bytes"]) for name, entry in found.get("formats", {}).items()},
            {name: str(why) for name, why in found.get("problems", {}).items()})


def format_ref(export_ref: str, format_name: str) -> str:
    """The artefact of `format_name` beside a run's zip (`<course>/<task>/course.zip`): derived from
    the zip's reference, so a fork, which keeps its source's references, finds them too."""
    return f"{export_ref.rpartition('/')[0]}/{file_name(format_name)}"


def index_ref(export_ref: str) -> str:
    return f"{export_ref.rpartition('/')[0]}/{EXPORTS_INDEX}"
