"""The course as a PDF: the one-document HTML (book.py) laid out for print by WeasyPrint, with a
table of contents that gives each module's page, page numbers, a module per new page and PDF
bookmarks from the headings. Laying out a document costs time in proportion to its pages and a
document from a repository is untrusted, so the layout runs in a child process under a time budget
(shared/docs/parse_worker.py's worker): a course that cannot be laid out in time has no PDF, and says so."""
from __future__ import annotations

import logging

from shared.docs.parse_worker import BudgetedParser, OverBudget

from .book import PRINT_STYLE, Book, book_html
from .export_model import CourseExport

LAYOUT = "services.modules.export.pdf:layout"
PDF_BUDGET_SECONDS = 120.0


def print_html(course: CourseExport) -> str:
    return book_html(course, Book(style=PRINT_STYLE))


class NotLaidOut(Exception):
    """The PDF could not be made; the message says why, for the author."""


def pdf_document(course: CourseExport, budget_seconds: float = PDF_BUDGET_SECONDS) -> bytes:
    """The PDF's bytes; NotLaidOut when the layout took longer than the budget or stopped.
    Blocking: call from a thread."""
    with BudgetedParser(budget_seconds, LAYOUT) as child:
        try:
            return child.parse(course.title, print_html(course))  # type: ignore[return-value]
        except OverBudget:
            raise NotLaidOut(f"the PDF could not be laid out within {budget_seconds:g} s; "
                             "the course's other formats are built") from None


def layout(title: str, html: str) -> bytes:
    """The child's work: HTML to PDF bytes (the worker protocol passes a name and a text)."""
    from weasyprint import HTML  # imported in the child only: the service never holds its memory

    logging.getLogger("weasyprint").setLevel(logging.ERROR)   # it warns about every unknown CSS property
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html).write_pdf()
