"""Every export format of a course, built from the one CourseExport the zip is built from (edits,
versions and forks included by construction), each written to a file a page at a time, so that
building a course of thousands of pages holds one page of it, not the course in every format.
Blocking: call from a thread."""
from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from .book import write_book
from .epub import write_epub
from .export import write_zip_export
from .export_model import CourseExport
from .imscc import write_cartridge
from .pdf import NotLaidOut, write_pdf
from .scorm import write_scorm

log = logging.getLogger(__name__)

WRITERS: dict[str, Callable[[CourseExport, BinaryIO], None]] = {
    "zip": write_zip_export,
    "scorm12": lambda course, out: write_scorm(course, out, "1.2"),
    "scorm2004": lambda course, out: write_scorm(course, out, "2004"),
    "imscc": write_cartridge,
    "html": write_book,
    "epub": write_epub,
    "pdf": write_pdf,
}


def _in_memory(writer: Callable[[CourseExport, BinaryIO], None]) -> Callable[[CourseExport], bytes]:
    def build(course: CourseExport) -> bytes:
        buffer = io.BytesIO()
        writer(course, buffer)
        return buffer.getvalue()
    return build


# Each format's bytes, for a caller that wants them in memory (a test, the export benchmark).
BUILDERS: dict[str, Callable[[CourseExport], bytes]] = {name: _in_memory(writer) for name, writer in WRITERS.items()}


def write_exports(course: CourseExport, folder: Path, formats: tuple[str, ...] = tuple(WRITERS),
                  ) -> tuple[dict[str, Path], dict[str, str]]:
    """Each format written to its file in `folder`, and for a format that could not be built, why
    (the others are built all the same: a course whose PDF cannot be laid out still exports to
    SCORM; its unfinished file is removed)."""
    written, problems = {}, {}
    for name in formats:
        path = folder / f"course.{name}"
        try:
            with open(path, "wb") as out:
                WRITERS[name](course, out)
            written[name] = path
            continue
        except NotLaidOut as exc:
            problems[name] = str(exc)
        except Exception as exc:  # noqa: BLE001 - one format's failure must not lose the others
            log.exception("the %s export failed", name)
            problems[name] = f"the {name} export failed: {type(exc).__name__}: {str(exc)[:300]}"
        path.unlink(missing_ok=True)
    return written, problems


def build_exports(course: CourseExport, formats: tuple[str, ...] = tuple(WRITERS),
                  ) -> tuple[dict[str, bytes], dict[str, str]]:
    """write_exports' formats as bytes, and the problems."""
    with tempfile.TemporaryDirectory(prefix="coursegen-export-") as folder:
        written, problems = write_exports(course, Path(folder), formats)
        return {name: path.read_bytes() for name, path in written.items()}, problems
