"""Courses the offline engine writes from real documentation sets read cleanly (issue 19): MkDocs
projects (Python-Markdown; Starlette, with Material's collapsible callouts and mkdocstrings), Sphinx
projects in reStructuredText (Django's intro, Flask, Werkzeug, Jinja, itsdangerous, MarkupSafe) and
in MyST Markdown (attrs, Click, structlog) and a Docusaurus site (the tutorial of create-docusaurus). No raw markup
construct of any family survives outside code into the Markdown export or the site, and code
blocks stay code blocks."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.modules.export.export import CourseExport, html_files, markdown_files
from shared.docs.myst_directives import HIDDEN
from tests.support.markup_corpus import raw_markup_in
from tests.support.offline_course import offline_course

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SETS = {
    "mkdocs": FIXTURES / "ordered_books" / "python-markdown",
    "sphinx-rst": FIXTURES / "ordered_books" / "django-intro",
    "sphinx-myst": FIXTURES / "ordered_books" / "attrs",
    "sphinx-myst-click": FIXTURES / "ordered_books" / "click",
    "docusaurus": FIXTURES / "real_docs" / "docusaurus-tutorial",
    # held out: added with the reading-order books, never looked at while the parsers were written
    "mkdocs-material-starlette": FIXTURES / "ordered_books" / "starlette",
    "sphinx-rst-werkzeug": FIXTURES / "ordered_books" / "werkzeug",
    "sphinx-rst-jinja2": FIXTURES / "ordered_books" / "jinja2",
    "sphinx-myst-structlog": FIXTURES / "ordered_books" / "structlog",
    "sphinx-rst-itsdangerous": FIXTURES / "ordered_books" / "itsdangerous",
    "sphinx-rst-markupsafe": FIXTURES / "ordered_books" / "markupsafe",
    "sphinx-rst-flask": FIXTURES / "ordered_books" / "flask",
}
DOC_SUFFIXES = (".md", ".mdx", ".rst", ".txt")
# Beyond the families of the markup corpus: MyST roles and directives, footnotes, attribute lists.
MORE_RAW_MARKUP = re.compile(r"\{[a-z][\w:-]*\}`|\{: |^(?:> )*[~:]{3,}\{|\.\. [a-z][\w:-]*::")
# Marks that start a line (a line may start with a code span: these are checked with spans kept).
RAW_LINE_STARTS = re.compile(r"^(?:> )*\[\^[^\]]+\]:|^(?:> )*: |^(?:> )*% |^(?:> )*:::[ \t]+[A-Za-z_]\w*(?:\.\w+)+", re.M)
# mkdocstrings' options (`::: pkg.Object` then `options: show_root_heading: true …`) read as prose.
MKDOCSTRINGS_OPTIONS = re.compile(r"\b(?:show_root_heading|heading_level|parameter_headings|show_source|"
                                  r"docstring_style|members_order)\b|\boptions: \w+:")
_FENCED = re.compile(r"^(?:> )*(`{3,}|~{3,})[^\n]*\n.*?^(?:> )*\1[ \t]*$", re.M | re.S)
# A directive written as a fence ({toctree}, {contents}, {testsetup}) is not code: never a code block.
DIRECTIVES_AS_CODE = re.compile(r"^(?:> )*(?:`{3,}|~{3,})[ \t]*(%s)[ \t]*$" % "|".join(
    re.escape(name) for name in sorted(HIDDEN | {"toctree", "automodule", "autoclass", "autofunction"})), re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_HTML_CODE = re.compile(r"<pre[ >].*?</pre>|<code[ >].*?</code>", re.S)


def documents(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix in DOC_SUFFIXES and path.parent != root}


def outside_code(markdown: str) -> str:
    return _CODE_SPAN.sub("", _FENCED.sub("", markdown))


@pytest.mark.parametrize("kind", sorted(SETS))
def test_a_course_from_real_documentation_shows_no_raw_markup_outside_code(kind):
    course = offline_course(documents(SETS[kind]))
    export = CourseExport(title=kind, modules=list(zip(course.specs, course.contents)))
    for name, text in markdown_files(export).items():
        prose = outside_code(text)
        assert not raw_markup_in(prose), (kind, name, raw_markup_in(prose))
        assert not MORE_RAW_MARKUP.search(prose), (kind, name, MORE_RAW_MARKUP.search(prose))
        lines = _FENCED.sub("", text)
        assert not RAW_LINE_STARTS.search(lines), (kind, name, RAW_LINE_STARTS.search(lines))
        assert not MKDOCSTRINGS_OPTIONS.search(prose), (kind, name, MKDOCSTRINGS_OPTIONS.search(prose))
        assert not DIRECTIVES_AS_CODE.search(text), (kind, name, DIRECTIVES_AS_CODE.search(text))
    for name, page in html_files(export).items():
        if name.endswith(".html"):
            text = _HTML_CODE.sub("", page.decode())
            assert not raw_markup_in(text), (kind, name, raw_markup_in(text))
    code_blocks = sum(len(_FENCED.findall(section.body_markdown)) for content in course.contents
                      for section in content.sections)
    assert code_blocks >= len(course.contents)     # every one of these sets teaches with code
