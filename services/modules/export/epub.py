"""The course as an EPUB 3 book: a front page, one XHTML document per module, a navigation document
with the table of contents, and the site's stylesheet. Deterministic: the same course makes the same
bytes (its identifier is derived from the course, its modification date fixed)."""
from __future__ import annotations

import uuid
from functools import partial
from html import escape
from typing import BinaryIO

from lxml import etree, html as lxml_html

from shared import linear_regex

from shared.course_labels import Labels

from .export_model import CourseExport, module_pages
from .export import Entries, write_zip, zipped
from .site_style import STYLE
from .static_site import front_matter, module_body

MODIFIED = "2000-01-01T00:00:00Z"  # a fixed date: the bytes depend on the course alone
_PAGE_LINK = linear_regex.compile(r' href="(?P<stem>[a-z0-9-]{1,80})\.html(?P<rest>(?:#[a-z0-9-]{1,60})?)"')


def epub_package(course: CourseExport) -> bytes:
    return zipped(epub_entries(course), first=("mimetype",))


def write_epub(course: CourseExport, out: BinaryIO) -> None:
    write_zip(out, epub_entries(course), first=("mimetype",))


def epub_entries(course: CourseExport) -> Entries:
    """The book's files, each module's document made when the zip takes it in."""
    pages = module_pages(course)
    stems = {page.stem for page in pages}
    files: dict = {
        "mimetype": b"application/epub+zip",
        "META-INF/container.xml": CONTAINER.encode(),
        "EPUB/style.css": STYLE.encode(),
        "EPUB/front.xhtml": _document(course.title, "".join(front_matter(course)), course.labels).encode(),
        "EPUB/nav.xhtml": _navigation(course, pages).encode(),
    }
    for page in pages:
        files[f"EPUB/{page.stem}.xhtml"] = partial(_module_document, course, pages, page, stems)
    files["EPUB/package.opf"] = _package(course, pages).encode()
    return files


def _module_document(course: CourseExport, pages, page, stems: set[str]) -> tuple[bytes]:
    body = _PAGE_LINK.sub(lambda m: f' href="{m["stem"]}.xhtml{m["rest"]}"' if m["stem"] in stems
                          else m.group(0), module_body(pages, page, link=course.source_link))
    return (_document(page.title, body, course.labels).encode(),)


CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def _identifier(course: CourseExport) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'coursegen:{course.title}:{course.version}:{course.commit_sha}')}"


def _package(course: CourseExport, pages) -> str:
    items = "\n".join(f'    <item id="m{page.number}" href="{page.stem}.xhtml" media-type="application/xhtml+xml"/>'
                      for page in pages)
    spine = "\n".join(f'    <itemref idref="m{page.number}"/>' for page in pages)
    lang = escape(course.labels.lang)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="{lang}" dir="{course.labels.dir}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">{_identifier(course)}</dc:identifier>
    <dc:title>{escape(course.title)}</dc:title>
    <dc:language>{lang}</dc:language>
    <dc:creator>coursegen</dc:creator>
    <meta property="dcterms:modified">{MODIFIED}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="style" href="style.css" media-type="text/css"/>
    <item id="front" href="front.xhtml" media-type="application/xhtml+xml"/>
{items}
  </manifest>
  <spine page-progression-direction="{course.labels.dir}">
    <itemref idref="front"/>
{spine}
  </spine>
</package>
"""


def _navigation(course: CourseExport, pages) -> str:
    entries = "".join(f'<li><a href="{page.stem}.xhtml">{escape(page.title)}</a></li>' for page in pages)
    contents = escape(course.labels.contents)
    return _document(f"{contents} · {course.title}",
                     f'<nav epub:type="toc" id="toc" aria-labelledby="toc-title"><h1 id="toc-title">{contents}</h1>'
                     f'<ol><li><a href="front.xhtml">{escape(course.title)}</a></li>{entries}</ol></nav>', course.labels)


def _document(title: str, body_html: str, labels: Labels) -> str:
    lang = escape(labels.lang)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="{lang}" lang="{lang}" dir="{labels.dir}">
<head>
<meta charset="utf-8"/>
<title>{escape(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body>
<main>{xhtml(body_html)}</main>
</body>
</html>
"""


def xhtml(fragment: str) -> str:
    """HTML as well-formed XHTML (void elements closed, attributes quoted): what an EPUB reader
    parses. The element names are kept; they take the document's XHTML namespace."""
    if not fragment.strip():
        return ""
    holder = lxml_html.fragment_fromstring(fragment, create_parent="div")
    text = escape(holder.text or "", quote=False)
    return text + "".join(etree.tostring(child, method="xml", encoding="unicode") for child in holder)
