"""Every export format of a course, built from the one CourseExport the zip is built from (edits,
versions and forks included by construction). Blocking: call from a thread."""
from __future__ import annotations

import logging
from typing import Callable

from .book import book_html
from .epub import epub_package
from .export import build_zip
from .export_model import CourseExport
from .imscc import cartridge
from .pdf import NotLaidOut, pdf_document
from .scorm import scorm_package

log = logging.getLogger(__name__)

BUILDERS: dict[str, Callable[[CourseExport], bytes]] = {
    "zip": build_zip,
    "scorm12": lambda course: scorm_package(course, "1.2"),
    "scorm2004": lambda course: scorm_package(course, "2004"),
    "imscc": cartridge,
    "html": lambda course: book_html(course).encode("utf-8"),
    "epub": epub_package,
    "pdf": pdf_document,
}


def build_exports(course: CourseExport, formats: tuple[str, ...] = tuple(BUILDERS)) -> tuple[dict[str, bytes], dict[str, str]]:
    """Each format's bytes, and for a format that could not be built, why (the others are built
    all the same: a course whose PDF cannot be laid out still exports to SCORM)."""
    built, problems = {}, {}
    for name in formats:
        try:
            built[name] = BUILDERS[name](course)
        except NotLaidOut as exc:
            problems[name] = str(exc)
        except Exception as exc:  # noqa: BLE001 - one format's failure must not lose the others
            log.exception("the %s export failed", name)
            problems[name] = f"the {name} export failed: {type(exc).__name__}: {str(exc)[:300]}"
    return built, problems
