"""Exports (issue 45): how long each format of shared/export_formats.py takes to build from a real
course, against the zip (the format stage 4 has always built) measured in the same run.

Inputs: real documentation folders of 20 documents or more, each written into a course by the
offline engines as stages 2–4 write it (tests/support/offline_course.py): Flask's documentation
committed under tests/fixtures/ordered_books, and, where ../shared/corpora is present, two trees
nobody tuned the exports on (Pinia's and Vite's guides). Each format is built as stage 4 builds it
(services/modules/export/formats.py; the PDF laid out by WeasyPrint in child processes, a long
course in two runs of modules at once).

Value: for each format, the seconds it took on the slowest course; baseline: the zip's seconds on
that course; ratio: format ÷ zip. Target (issue 45): every format under 10 s on each course."""
from __future__ import annotations

import time
from pathlib import Path

from services.modules.export.export_model import OFFLINE, CourseExport
from services.modules.export.formats import BUILDERS
from shared.export_formats import FORMATS
from tests.support.offline_course import course_of_checkout

from .common import Context, Row
from .order_books import CORPORA, ORDERED_BOOKS

NAME = "export"
TARGET_SECONDS = 10.0
FOLDERS = (ORDERED_BOOKS / "flask", CORPORA / "pinia", CORPORA / "vite")
SHORTEST = 20   # documents: a course from a real documentation folder, not a toy


def course_of(root: Path) -> tuple[CourseExport, int]:
    course = course_of_checkout(root)
    pathway = course.plan.pathways[0]
    documents = sum(len(spec.documents) for spec in course.specs)
    return CourseExport(title=root.name, description=f"The documentation of {root.name}.",
                        pathway_title=pathway.title, pathway_description=pathway.description,
                        modules=list(zip(course.specs, course.contents)), engine=OFFLINE, version=1,
                        commit_sha="0" * 40), documents


def timed(course: CourseExport) -> dict[str, dict]:
    found = {}
    for name in FORMATS:
        started = time.perf_counter()
        data = BUILDERS[name](course)
        found[name] = {"seconds": round(time.perf_counter() - started, 3), "bytes": len(data)}
    return found


async def run(ctx: Context) -> Row:
    courses = {}
    for root in FOLDERS:
        if not root.is_dir():
            continue
        course, documents = course_of(root)
        if documents < SHORTEST:
            continue
        courses[root.name] = {"documents": documents, "modules": len(course.modules), "formats": timed(course)}
        print(f"[bench] export: {root.name}: {courses[root.name]}", flush=True)
    slowest = max(courses, key=lambda name: sum(f["seconds"] for f in courses[name]["formats"].values()))
    formats = courses[slowest]["formats"]
    zip_seconds = formats["zip"]["seconds"]
    value = [formats[name]["seconds"] for name in FORMATS]
    meets = all(f["seconds"] < TARGET_SECONDS for c in courses.values() for f in c["formats"].values())
    return Row(NAME, value, "seconds: " + " / ".join(FORMATS), zip_seconds,
               [round(v / zip_seconds, 2) if zip_seconds else None for v in value],
               f"each < {TARGET_SECONDS:g} s", meets,
               f"slowest course: {slowest} ({courses[slowest]['documents']} documents, "
               f"{courses[slowest]['modules']} modules); courses: {', '.join(courses)}",
               details={"courses": courses})
