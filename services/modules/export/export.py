"""Stage 4's export: a course as a Markdown folder, a static HTML site, and a zip of
both. Pure: everything is built in memory; the caller stores the bytes."""
from __future__ import annotations

import io
import zipfile

from .export_model import CourseExport, ModulePage, module_pages
from .markdown_export import markdown_files
from .static_site import html_files

__all__ = ["CourseExport", "ModulePage", "module_pages", "markdown_files", "html_files", "build_zip",
           "export_files", "zipped"]
# Zip entries carry a timestamp; a fixed one (the earliest a zip can hold) makes the bytes depend
# on the course alone, so the same course always exports to the same archive.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def export_files(course: CourseExport) -> dict[str, bytes]:
    """Every file of the export under `markdown/` and `site/`."""
    files = {f"markdown/{name}": text.encode("utf-8") for name, text in markdown_files(course).items()}
    files.update({f"site/{name}": data for name, data in html_files(course).items()})
    return files


def build_zip(course: CourseExport) -> bytes:
    return zipped(export_files(course))


def zipped(files: dict[str, bytes], first: tuple[str, ...] = ()) -> bytes:
    """A zip whose bytes depend on `files` alone (fixed timestamps and attributes, names in order):
    `first` entries first and stored uncompressed (EPUB's `mimetype`), the others deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [*first, *sorted(set(files) - set(first))]:
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_STORED if name in first else zipfile.ZIP_DEFLATED
            entry.create_system = 3                 # unix, whatever machine builds it
            entry.external_attr = 0o644 << 16       # rw-r--r--
            archive.writestr(entry, files[name], compresslevel=None if name in first else 9)
    return buffer.getvalue()
