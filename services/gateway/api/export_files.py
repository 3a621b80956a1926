"""Serving a version's export in any format of shared/export_formats.py, and listing them: the zip
is the run's `export_ref`; the others lie beside it, with exports.json saying which were built."""
from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import Response
from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared import linear_regex
from shared.export_formats import DEFAULT_FORMAT, FORMATS, format_ref, index_ref, read_index

GONE = (NotFoundError, ObjectNotFoundError)
MADE_BEFORE = ("this version was made before coursegen exported {label}s; write a new version "
               "(POST /api/courses/{{id}}/versions) to have one")


def chosen(format_name: str | None) -> str:
    name = (format_name or DEFAULT_FORMAT).strip().lower()
    if name not in FORMATS:
        raise HTTPException(422, f"unknown export format {format_name!r}; one of: {', '.join(FORMATS)}")
    return name


async def built_formats(artefacts, export_ref: str) -> tuple[dict[str, int], dict[str, str]] | None:
    """Which formats the run built (name → bytes) and why others were not; None for a run made
    before there were other formats than the zip."""
    try:
        return read_index(await artefacts.get(index_ref(export_ref)))
    except GONE:
        return None


async def listed(artefacts, export_ref: str, zip_bytes: int, url: str) -> list[dict]:
    """Every format, as the API lists it: a download URL and size, or why there is none."""
    found = await built_formats(artefacts, export_ref)
    sizes, problems = found if found is not None else ({DEFAULT_FORMAT: zip_bytes}, {})
    answer = []
    for name, known in FORMATS.items():
        entry: dict[str, str | int] = {"format": name, "label": known.label, "suffix": known.suffix}
        if name in sizes:
            entry.update(url=url if name == DEFAULT_FORMAT else f"{url}?format={name}", bytes=sizes[name])
        else:
            entry["problem"] = problems.get(name) or MADE_BEFORE.format(label=known.label)
        answer.append(entry)
    return answer


async def served(artefacts, export_ref: str, format_name: str, title: str, gone: str,
                 name_suffix: str = "") -> Response:
    """The export as a download; 409 when the version has none in that format (with why), 410 when
    it is no longer stored."""
    known = FORMATS[format_name]
    if format_name != DEFAULT_FORMAT:
        found = await built_formats(artefacts, export_ref)
        if found is None:
            raise HTTPException(409, MADE_BEFORE.format(label=known.label))
        if format_name not in found[0]:
            raise HTTPException(409, found[1].get(format_name) or MADE_BEFORE.format(label=known.label))
    try:
        data = await artefacts.get(export_ref if format_name == DEFAULT_FORMAT else format_ref(export_ref, format_name))
    except GONE:
        raise HTTPException(410, gone) from None
    stem = linear_regex.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-")[:80] or "course"
    return Response(data, media_type=known.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{stem}{name_suffix}{known.suffix}"'})


def offered(url: str) -> list[dict]:
    """Every format with its download URL, unchecked (a version's list: a format it lacks answers
    409 with why when asked)."""
    return [{"format": name, "label": known.label, "suffix": known.suffix,
             "url": url if name == DEFAULT_FORMAT else f"{url}?format={name}"} for name, known in FORMATS.items()]
