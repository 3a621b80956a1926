"""The whole course as one HTML document: the front page, a table of contents, then every module in
order, each an <article> whose ids and links are scoped by its file stem (`02-topics--topic-3`) so
that one document holds them all. The `html` export is this document as it is; the PDF, the EPUB and
the SCORM player are built from it. Styles are inlined: the file reads offline, loads nothing."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import BinaryIO, Callable, Iterator

from shared import linear_regex

from ..models import Question
from .export_model import CourseExport, module_pages
from .site_style import STYLE
from .static_site import document_head, front_matter, module_body, site_footer

# No script, nothing from another host: the document is read as it is.
STATIC_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

BOOK_STYLE = """
.book main { max-width: 48rem; margin: 0 auto; }
.toc ol { padding-left: 1.4rem; }
.toc li { margin: .3rem 0; }
article.module { border-top: 2px solid var(--line); margin-top: 3rem; padding-top: 1rem; }
"""

_ID = linear_regex.compile(r' id="(?P<id>[a-z0-9-]{1,60})"')
_HREF = linear_regex.compile(r' href="(?P<stem>[a-z0-9-]{1,80})\.html(?:#(?P<fragment>[a-z0-9-]{1,60}))?"')


@dataclass(frozen=True)
class Book:
    """What a rendering adds to the document: its quiz, its policy, styles and scripts."""
    quiz: Callable[[Question], str] | None = None     # by default, static_site's (the answer folds)
    csp: str = STATIC_CSP
    style: str = ""
    head: str = ""          # extra <head> markup (a script)
    body_class: str = "book"
    controls: str = ""      # markup between the contents and the modules (the player's buttons)
    modules: frozenset[int] | None = None   # the numbers of the modules to include (None: all)
    toc_pages: dict[str, int] | None = None  # a module's page, by its stem, for a contents without counters


def book_html(course: CourseExport, book: Book = Book()) -> str:
    return "".join(book_parts(course, book))


def write_book(course: CourseExport, out: BinaryIO, book: Book = Book()) -> None:
    """The document into `out`, a module at a time."""
    for part in book_parts(course, book):
        out.write(part.encode("utf-8"))


def book_parts(course: CourseExport, book: Book = Book()) -> Iterator[str]:
    """The document in pieces, in order: up to the modules, each module's article, the rest; each
    module's markup is made when its piece is asked for, so the whole document is never held."""
    pages = module_pages(course)
    stems = {page.stem for page in pages}
    numbers = book.toc_pages or {}
    toc = "".join(f'<li><a href="#{page.stem}"{_page_attribute(numbers.get(page.stem))}>'
                  f'{escape(page.title)}</a></li>' for page in pages)
    head = document_head(course.title, book.csp, f"<style>{STYLE}{BOOK_STYLE}{book.style}</style>\n{book.head}",
                         course.labels)
    yield f"""{head}
<body class="{book.body_class}">
<a class="skip" href="#main">{escape(course.labels.skip)}</a>
<header class="site-header"><p>{escape(course.title)}</p></header>
<main id="main">
<section class="front" aria-label="{escape(course.labels.about_course)}">{"".join(front_matter(course))}</section>
<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">{escape(course.labels.contents)}</h2><ol>{toc}</ol></nav>
{book.controls}"""
    between = ""  # the articles are joined by a line break
    for page in pages:
        if book.modules is None or page.number in book.modules:
            yield (f'{between}<article class="module" id="{page.stem}" data-module="{page.number}">'
                   f"{scoped(module_body(pages, page, book.quiz, course.source_link), page.stem, stems)}</article>")
            between = "\n"
    yield f"""
</main>
{site_footer(course)}
</body>
</html>
"""


def scoped(html: str, stem: str, stems: set[str] | frozenset[str]) -> str:
    """A module page's markup made to live inside one document: its ids prefixed by its stem, and its
    links to module pages (`03-x.html#topic-2`) turned into links inside the document (`#03-x--topic-2`).
    Only our own renderer's attributes match: text from documents is escaped (`id=&quot;`)."""
    html = _ID.sub(lambda m: f' id="{stem}--{m["id"]}"', html)

    def link(match: linear_regex.Match) -> str:
        target = match["stem"]
        if target not in stems:
            return match.group(0)
        return f' href="#{target}--{match["fragment"]}"' if match["fragment"] else f' href="#{target}"'
    return _HREF.sub(link, html)


def _page_attribute(number: int | None) -> str:
    return f' data-page="{number}"' if number is not None else ""
