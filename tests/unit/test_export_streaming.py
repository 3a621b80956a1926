"""Stage 4 writes each export format to a file a page at a time (issue 49: a course of thousands of
pages must not be held whole in every format): a zip's entry is made only when the archive takes it
in and is written before the next is made, the one-document formats come a module at a time, and
what is written is what the in-memory builders return, byte for byte. Counted, not measured."""
from __future__ import annotations

import io

from services.modules.export.book import book_parts
from services.modules.export.epub import epub_entries
from services.modules.export.export import export_entries, write_zip, zipped
from services.modules.export.formats import BUILDERS, write_exports
from services.modules.export.imscc import cartridge_entries
from services.modules.export.scorm import scorm_entries
from tests.support.exported_course import exported_course

CHEAP = ("zip", "scorm12", "scorm2004", "imscc", "html", "epub")   # the PDF: tests/integration


class Recorded(io.BytesIO):
    """A file that notes, in one log with the entries made, each time it is written to."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def write(self, data) -> int:
        self.log.append("write")
        return super().write(data)


def made_then_written(entries: dict, first: tuple[str, ...] = ()) -> list[str]:
    """The log of `entries` zipped: "make <name>" when an entry is made, "write" per write."""
    log: list[str] = []

    def noting(name, make):
        def made():
            log.append(f"make {name}")
            return make()
        return made
    watched = {name: data if isinstance(data, bytes) else noting(name, data) for name, data in entries.items()}
    write_zip(Recorded(log), watched, first)
    return log


def test_each_zip_entry_is_made_when_the_archive_takes_it_and_written_before_the_next_is_made():
    course = exported_course("flask")
    for entries, first in ((export_entries(course), ()), (epub_entries(course), ("mimetype",)),
                           (cartridge_entries(course), ()), (scorm_entries(course, "1.2"), ())):
        log = made_then_written(entries, first)
        made = [line for line in log if line.startswith("make ")]
        assert len(made) == sum(not isinstance(data, bytes) for data in entries.values())
        assert len(made) == len(set(made))  # each made once
        # Between one entry made and the next, the archive wrote: no page waits for the others.
        for before, after in zip(made, made[1:]):
            assert "write" in log[log.index(before) + 1:log.index(after)], (before, after)


def test_every_module_page_is_made_lazily():
    course = exported_course("flask")
    pages = len(course.modules)
    site = [name for name in export_entries(course) if name.startswith("site/modules/")]
    assert len(site) == pages
    assert sum(name.startswith("EPUB/") and name.endswith(".xhtml") for name, data in epub_entries(course).items()
               if not isinstance(data, bytes)) == pages
    # The one-document book: what comes before the modules, an article per module, what follows.
    parts = list(book_parts(course))
    assert len(parts) == pages + 2
    assert sum(part.lstrip("\n").startswith("<article") for part in parts) == pages


def test_the_files_written_are_the_bytes_the_builders_return(tmp_path):
    course = exported_course()
    written, problems = write_exports(course, tmp_path, CHEAP)
    assert problems == {} and set(written) == set(CHEAP)
    for name, path in written.items():
        assert path.read_bytes() == BUILDERS[name](course), name


def test_an_archive_zipped_entry_by_entry_is_the_archive_of_the_same_files_given_whole():
    course = exported_course()
    for entries, first in ((export_entries(course), ()), (epub_entries(course), ("mimetype",)),
                           (scorm_entries(course, "2004"), ())):
        whole = {name: data if isinstance(data, bytes) else b"".join(data()) for name, data in entries.items()}
        assert zipped(entries, first) == zipped(whole, first)
