"""The course as a PDF: the one-document HTML (book.py) laid out for print by WeasyPrint — a table
of contents giving each module's page, "Page n of N" on every page but the cover, a module per new
page, PDF bookmarks from the headings.

Layout costs time in proportion to the pages (a 270-page course takes about 13 s of one core), and
a module always starts a new page, so modules lay out independently: a long course is cut into two
runs of modules laid out at once by two child processes, then the front matter and the contents,
whose page numbers are now known, and the parts are joined (pypdf, in a child as well: a long
course's PDF objects would otherwise stay in the service's memory), their page numbers stamped and
their links across parts added. A document from a repository is untrusted: each child works under a
time budget (shared/docs/parse_worker.py's worker); a course that cannot be laid out in time has
no PDF, and says so."""
from __future__ import annotations

import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO, Sequence

from shared.docs.parse_worker import BudgetedParser, OverBudget

from .book import Book, book_html
from .export_model import CourseExport, ModulePage, module_pages
from .static_site import module_body

LAYOUT = "services.modules.export.pdf:layout"
JOIN = "services.modules.export.pdf:joined_pdf"
PDF_BUDGET_SECONDS = 120.0
# Below this much module HTML (about 60 pages) a second process costs more than it saves.
PARALLEL_FROM_CHARACTERS = 200_000
PX_TO_PT = 0.75  # CSS pixels (1/96 in) to PDF points (1/72 in)
FOOTER_FONT = "/CoursegenFooter"

# Paged media: A4, a module per new page, code that wraps rather than runs off the page, the contents'
# page numbers given by the layout (data-page: the parts are laid out apart). The parts carry no page
# numbers of their own: the joined document's are stamped on it.
PRINT_STYLE = """
@page { size: A4; margin: 20mm 18mm 22mm; }
html { font-size: 11pt; }
body { font: 11pt/1.5 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
.skip, .site-header, .site-footer { display: none; }
.book main { max-width: none; padding: 0; }
.toc { break-after: page; }
.toc a { text-decoration: none; color: inherit; }
.toc a::after { content: leader(". ") attr(data-page); }
article.module { break-before: page; border-top: none; margin-top: 0; }
pre, pre code { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-all; }
code { overflow-wrap: anywhere; }
table { table-layout: fixed; width: 100%; }
td, th { overflow-wrap: anywhere; }
details { border: none; padding: 0; background: none; }
summary { display: none; }
img { max-width: 100%; }
h1, h2, h3 { break-after: avoid; }
"""


class NotLaidOut(Exception):
    """The PDF could not be made; the message says why, for the author."""


@dataclass(frozen=True)
class LaidOut:
    """A part as the child laid it out: its PDF, the anchors on each page, and the links to anchors
    it does not hold (page index, rectangle in points from the bottom left, anchor)."""
    pdf: bytes
    pages: int
    anchors: dict[str, int]
    loose_links: list[tuple[int, tuple[float, float, float, float], str]]


def pdf_document(course: CourseExport, budget_seconds: float = PDF_BUDGET_SECONDS,
                 parallel_from: int = PARALLEL_FROM_CHARACTERS) -> bytes:
    """The PDF's bytes; NotLaidOut when a part took longer than the budget or its child stopped.
    Modules are laid out in two runs at once from `parallel_from` characters of content on.
    Blocking: call from a thread."""
    buffer = io.BytesIO()
    write_pdf(course, buffer, budget_seconds, parallel_from)
    return buffer.getvalue()


def write_pdf(course: CourseExport, out: BinaryIO, budget_seconds: float = PDF_BUDGET_SECONDS,
              parallel_from: int = PARALLEL_FROM_CHARACTERS) -> None:
    """The PDF into `out` (pdf_document)."""
    runs = _runs(module_pages(course), os.cpu_count() or 1, parallel_from)
    try:
        with ThreadPoolExecutor(len(runs)) as pool:
            children = [BudgetedParser(budget_seconds, LAYOUT) for _ in runs]
            try:
                parts = list(pool.map(lambda child, run: _laid_out(child, _modules_only(course, run)),
                                      children, runs))
                offsets, total = _offsets(course, parts, children[0])
                front = _laid_out(children[0], _front(course, offsets))
            finally:
                for child in children:
                    child.close()
        # Joined in a child too: the parts' objects (thousands of pages' worth) are never this process's.
        with BudgetedParser(budget_seconds, JOIN) as joiner:
            out.write(joiner.call([front, *parts]))
    except OverBudget:
        raise NotLaidOut(f"the PDF could not be laid out within {budget_seconds:g} s; "
                         "the course's other formats are built") from None


def _runs(pages: Sequence[ModulePage], cores: int, parallel_from: int) -> list[list[ModulePage]]:
    """The modules cut into one run, or two of about equal length when the course is long."""
    sizes = [len(module_body(pages, page)) for page in pages]  # pages laid out follow the HTML's length
    if cores < 2 or len(pages) < 2 or sum(sizes) < parallel_from:
        return [list(pages)]
    half = sum(sizes) / 2
    before = [sum(sizes[:cut]) for cut in range(1, len(pages))]   # the first run's length at each cut
    cut = 1 + min(range(len(before)), key=lambda n: abs(before[n] - half))
    return [list(pages[:cut]), list(pages[cut:])]


def _modules_only(course: CourseExport, run: list[ModulePage]) -> str:
    """A part holding only `run`'s modules: the course's HTML with the other modules left out (they
    keep their numbers: "Module 7 of 11")."""
    keep = frozenset(page.number for page in run)
    return book_html(course, Book(style=PRINT_STYLE + ".front, .toc { display: none; }", modules=keep))


def _front(course: CourseExport, offsets: dict[str, int]) -> str:
    return book_html(course, Book(style=PRINT_STYLE, modules=frozenset(), toc_pages=offsets))


def _offsets(course: CourseExport, parts: list[LaidOut], child: BudgetedParser) -> tuple[dict[str, int], int]:
    """Each module's page number in the joined document. The front part's length is measured with
    the numbers it will show (one contents line per module, whatever the numbers)."""
    stems = [page.stem for page in module_pages(course)]
    provisional = {stem: 0 for stem in stems}
    front_pages = _laid_out(child, _front(course, provisional)).pages
    offsets, start = {}, front_pages
    for part in parts:
        for stem in stems:
            if stem in part.anchors:
                offsets[stem] = start + part.anchors[stem] + 1
        start += part.pages
    return offsets, start


def _laid_out(child: BudgetedParser, html: str) -> LaidOut:
    return child.parse("course", html)  # type: ignore[return-value]


def layout(title: str, html: str) -> LaidOut:
    """The child's work: HTML to PDF, with where its anchors are and its links to anchors elsewhere."""
    from weasyprint import HTML  # imported in the child only: the service never holds its memory

    logging.getLogger("weasyprint").setLevel(logging.ERROR)   # it warns about every unknown CSS property
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html).render()
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, number)
    loose = []
    for number, page in enumerate(document.pages):
        height = page.height * PX_TO_PT
        for kind, target, (x, y, width, tall), _box in page.links:
            if kind == "internal" and target not in anchors:
                loose.append((number, (x * PX_TO_PT, height - (y + tall) * PX_TO_PT,
                                       (x + width) * PX_TO_PT, height - y * PX_TO_PT), target))
    return LaidOut(document.write_pdf(), len(document.pages), anchors, loose)


def joined_pdf(parts: list[LaidOut]) -> bytes:
    """The child's work: the parts joined (_joined), as bytes."""
    buffer = io.BytesIO()
    _joined(parts, buffer)
    return buffer.getvalue()


def _joined(parts: list[LaidOut], out: BinaryIO) -> None:
    """One PDF of the parts in order: their pages, their bookmarks, "Page n of N" stamped on every page
    but the first, and each link to an anchor in another part pointed at that anchor's page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    writer = PdfWriter()
    starts, start = [], 0
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=True)
        starts.append(start)
        start += part.pages
    where = {name: first + page for part, first in zip(parts, starts) for name, page in part.anchors.items()}
    for part, first in zip(parts, starts):
        for on_page, rectangle, anchor in part.loose_links:
            if anchor in where:
                writer.add_annotation(first + on_page, Link(rect=rectangle, target_page_index=where[anchor]))
    for number, pdf_page in enumerate(writer.pages):
        if number:
            _stamp(writer, pdf_page, f"Page {number + 1} of {len(writer.pages)}")
    writer.compress_identical_objects()
    writer.write(out)


def _stamp(writer, page, text: str) -> None:
    """`text` centred at the foot of `page`, in the PDF's standard Helvetica (no font to embed),
    appended to the page's content as a stream of its own (the page's own content is not parsed)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    if FOOTER_FONT not in fonts:
        fonts[NameObject(FOOTER_FONT)] = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica")}))
    size = 9
    text_width = 0.5 * size * len(text)  # Helvetica's digits and letters average about half an em
    footer = DecodedStreamObject()
    footer.set_data(f"q BT {FOOTER_FONT} {size} Tf 0.35 0.39 0.43 rg "
                    f"{(float(page.mediabox.width) - text_width) / 2:.2f} 30 Td ({text}) Tj ET Q".encode("ascii"))
    existing = page.get(NameObject("/Contents"))
    streams = list(existing.get_object()) if isinstance(existing.get_object(), ArrayObject) else [existing]
    page[NameObject("/Contents")] = ArrayObject([*streams, writer._add_object(footer)])
