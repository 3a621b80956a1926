"""Stage 4's export: a course as a Markdown folder, a static HTML site, and a zip of
both. Each file is made when the zip takes it in and written to the archive at once, so an
export holds one page at a time, whatever the course's length."""
from __future__ import annotations

import io
import zipfile
from typing import BinaryIO, Callable, Iterable, Mapping, Union

from .export_model import CourseExport, ModulePage, module_pages
from .markdown_export import markdown_entries, markdown_files
from .static_site import html_entries, html_files

__all__ = ["CourseExport", "ModulePage", "module_pages", "markdown_files", "html_files", "build_zip",
           "export_files", "write_zip_export", "zipped", "write_zip", "Entries"]
# Zip entries carry a timestamp; a fixed one (the earliest a zip can hold) makes the bytes depend
# on the course alone, so the same course always exports to the same archive.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
DEFLATE_LEVEL = 9
# A zip's files by name: their bytes, or what makes them (pieces of bytes, in order) when the
# archive takes them in.
Entries = Mapping[str, Union[bytes, Callable[[], Iterable[bytes]]]]


def export_entries(course: CourseExport) -> dict[str, Callable[[], Iterable[bytes]]]:
    """Every file of the export under `markdown/` and `site/`, each made when asked for."""
    entries = {f"markdown/{name}": _encoded(make) for name, make in markdown_entries(course).items()}
    entries.update({f"site/{name}": make for name, make in html_entries(course).items()})
    return entries


def export_files(course: CourseExport) -> dict[str, bytes]:
    """Every file of the export under `markdown/` and `site/`."""
    return {name: b"".join(make()) for name, make in export_entries(course).items()}


def build_zip(course: CourseExport) -> bytes:
    return zipped(export_entries(course))


def write_zip_export(course: CourseExport, out: BinaryIO) -> None:
    write_zip(out, export_entries(course))


def zipped(files: Entries, first: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    write_zip(buffer, files, first)
    return buffer.getvalue()


def write_zip(out: BinaryIO, files: Entries, first: tuple[str, ...] = ()) -> None:
    """A zip into `out` (seekable) whose bytes depend on `files` alone (fixed timestamps and
    attributes, names in order): `first` entries first and stored uncompressed (EPUB's `mimetype`),
    the others deflated. A file given by what makes it is made, and written, piece by piece."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [*first, *sorted(set(files) - set(first))]:
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_STORED if name in first else zipfile.ZIP_DEFLATED
            entry.create_system = 3                 # unix, whatever machine builds it
            entry.external_attr = 0o644 << 16       # rw-r--r--
            level = None if name in first else DEFLATE_LEVEL
            data = files[name]
            if isinstance(data, bytes):
                archive.writestr(entry, data, compresslevel=level)
                continue
            # What writestr(compresslevel=) sets; ZipFile.open takes the level from the entry alone.
            # The archive's bytes are writestr's: the header is rewritten with the sizes at the end.
            entry._compresslevel = level  # type: ignore[attr-defined]
            with archive.open(entry, "w") as written:
                for piece in data():
                    written.write(piece)


def _encoded(make: Callable[[], str]) -> Callable[[], Iterable[bytes]]:
    return lambda: (make().encode("utf-8"),)
