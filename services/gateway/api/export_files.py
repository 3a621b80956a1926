"""Serving a version's export in any format of shared/export_formats.py, and listing them: the zip
is the run's `export_ref`; the others lie beside it, with exports.json saying which were built."""
from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query
from fastapi.responses import Response
from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared.cpu_lane import on_cpu_lane
from shared import linear_regex
from shared.export_formats import DEFAULT_FORMAT, FORMATS, format_ref, index_ref, read_index
from shared.scorm_mastery import DEFAULT_MASTERY_PERCENT, MASTERY_ELEMENTS, with_mastery

GONE = (NotFoundError, ObjectNotFoundError)
# ?mastery=: the share of right answers (%) a learner needs to pass a SCORM package.
Mastery = Annotated[int | None, Query(ge=0, le=100, description="SCORM only: the mastery score, in percent "
                                                               f"(default {DEFAULT_MASTERY_PERCENT})")]
MADE_BEFORE = ("this version was made before coursegen exported this format ({label}); write a new version "
               "(POST /api/courses/{{id}}/versions) to have it")


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
        entry: dict[str, str | int] = {"format": name, "label": known.label, "suffix": known.suffix,
                                       **_mastery_default(name)}
        if name in sizes:
            entry.update(url=url if name == DEFAULT_FORMAT else f"{url}?format={name}", bytes=sizes[name])
        else:
            entry["problem"] = problems.get(name) or MADE_BEFORE.format(label=known.label)
        answer.append(entry)
    return answer


def checked_mastery(format_name: str, mastery: int | None) -> int | None:
    if mastery is not None and format_name not in MASTERY_ELEMENTS:
        raise HTTPException(422, f"a mastery score applies to the SCORM formats ({', '.join(MASTERY_ELEMENTS)}), "
                                 f"not to {format_name}")
    return mastery


async def served(artefacts, export_ref: str, format_name: str, title: str, gone: str,
                 name_suffix: str = "", mastery: int | None = None) -> Response:
    """The export as a download; 409 when the version has none in that format (with why), 410 when
    it is no longer stored. A SCORM package with `mastery` (a percentage) carries that mastery score
    instead of the default."""
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
    if mastery is not None:
        data = await on_cpu_lane(with_mastery, data, format_name, mastery)
    stem = linear_regex.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-")[:80] or "course"
    return Response(data, media_type=known.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{stem}{name_suffix}{known.suffix}"'})


def offered(url: str) -> list[dict]:
    """Every format with its download URL, unchecked (a version's list: a format it lacks answers
    409 with why when asked)."""
    return [{"format": name, "label": known.label, "suffix": known.suffix, **_mastery_default(name),
             "url": url if name == DEFAULT_FORMAT else f"{url}?format={name}"} for name, known in FORMATS.items()]


def _mastery_default(format_name: str) -> dict[str, int]:
    """A SCORM format says its default mastery score: a client offers to change it (?mastery=)."""
    return {"mastery_default": DEFAULT_MASTERY_PERCENT} if format_name in MASTERY_ELEMENTS else {}
