"""The static HTML site of an export: `index.html`, `modules/NN-slug.html`, `assets/style.css`.
No JavaScript (answers fold in <details>), no external requests, a Content-Security-Policy that
forbids scripts, and every piece of text escaped: generated Markdown goes through our renderer,
plain text through html.escape."""
from __future__ import annotations

from html import escape
from functools import partial
from typing import Callable, Iterable, Sequence

from .export_model import (CHANGELOG_HEADING, CourseExport, ModulePage, content_link_ok, engine_line,
                           examples_by_section, linked_to_modules, module_link_policy, module_meta, module_pages,
                           neighbours, release_line, topic_id)
from .pictures import with_diagrams
from .markdown_render import code_html, render_inline, render_markdown
from ..models import Citation, CodeExample, ModuleContent, Question
from .site_style import STYLE
from shared.course_labels import Labels

ENGLISH = Labels(None)

CSP = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
# The reader's "Ask the course" panel needs the gateway: a copy without a server says so where a
# reader would look for it (every page's footer).
SourceLink = Callable[[str], "str | None"]  # a cited document's address in its repository, if it has one
# Modules a module page's sidebar lists at most (a window around the page); the index lists every one.
SIDEBAR_MODULES = 60
NO_ASK = "Ask the course is available in the coursegen reader; this static copy has no server to answer questions."


def html_files(course: CourseExport) -> dict[str, bytes]:
    return {name: b"".join(make()) for name, make in html_entries(course).items()}


def html_entries(course: CourseExport) -> dict[str, Callable[[], Iterable[bytes]]]:
    """Each file of the site by name, made (its bytes, in pieces) when asked for: an export writes
    one page at a time."""
    pages = module_pages(course)
    files: dict[str, Callable[[], str]] = {"index.html": partial(index_html, course, pages),
                                           "assets/style.css": lambda: STYLE}
    for page in pages:
        files[f"modules/{page.stem}.html"] = partial(module_html, course, pages, page)
    return {name: _encoded(make) for name, make in files.items()}


def _encoded(make: Callable[[], str]) -> Callable[[], Iterable[bytes]]:
    return lambda: (make().encode("utf-8"),)


def index_html(course: CourseExport, pages: Sequence[ModulePage]) -> str:
    body = front_matter(course)
    cards = "".join(
        f'<li><a href="modules/{page.stem}.html">{escape(page.title)}</a>'
        f'<p>{escape(page.spec.description)}</p><p class="meta">{escape(module_meta(page.spec))}</p></li>'
        for page in pages)
    body.append(f'<h2>{escape(course.labels.modules)}</h2><ol class="modules">{cards}</ol>')
    return _page(course, pages, None, course.title, "\n".join(body))


def front_matter(course: CourseExport) -> list[str]:
    """The course's title, description, engine, version, changelog and pathway, as its first page shows them."""
    body = [f"<h1>{escape(course.title)}</h1>", _paragraphs(course.description)]
    if course.language_note:
        body.append(f'<p class="language-note">{escape(course.language_note)}</p>')
    if course.engine:
        body.append(f'<p class="engine">{escape(engine_line(course.engine))}</p>')
    if course.version is not None:
        body.append(f'<p class="meta release">{escape(release_line(course))}</p>')
    if course.changelog:
        body.append(f'<section class="changelog"><h2>{escape(CHANGELOG_HEADING)}</h2>'
                    f'{_list(course.changelog)}</section>')
    if course.pathway_title or course.pathway_description:
        body += [f'<section class="pathway"><h2>{escape(course.labels("pathway", title=course.pathway_title))}</h2>',
                 _paragraphs(course.pathway_description)]
        if course.pathway_objectives:
            body += [f"<h3>{escape(course.labels.what_you_will_learn)}</h3>", _list(course.pathway_objectives)]
        body.append("</section>")
    if course.pictures.course_map:
        body.append(f'<section class="concept-map"><h2>{escape(course.labels.concept_map)}</h2>'
                    f'{course.pictures.course_map}</section>')
    return body


def module_html(course: CourseExport, pages: Sequence[ModulePage], page: ModulePage) -> str:
    body = "\n".join([_pager(pages, page, page.labels.module_navigation),
                      module_body(pages, page, link=course.source_link),
                      _pager(pages, page, page.labels.module_navigation_end)])
    return _page(course, pages, page, f"{page.title} · {course.title}", body)


def module_body(pages: Sequence[ModulePage], page: ModulePage, quiz: Callable[[Question], str] | None = None,
                link: SourceLink | None = None) -> str:
    """A module's own content as every HTML rendering shows it: heading, introduction, objectives,
    the sections with their examples, key points, conclusion, the quiz (`quiz` renders a question:
    by default the answer folds in a <details>) and the summary. `link` gives a cited document's
    address in its repository (CourseExport.source_link)."""
    content, labels = page.content, page.labels
    body = [f'<header class="module-head"><p class="eyebrow">{escape(labels("module_of", n=page.number, total=len(pages)))}</p>'
            f'<h1>{escape(content.title)}</h1><p class="meta">{escape(module_meta(page.spec))}</p></header>',
            _part("introduction", labels.introduction, _markdown(content.introduction))]
    if content.learning_objectives:
        body.append(_part("objectives", labels.learning_objectives, _list(content.learning_objectives)))
    if page.pictures.module_maps.get(page.spec.module_id):
        body.append(_part("concept-map", labels.concept_map, page.pictures.module_maps[page.spec.module_id]))
    body.append(_main_content(content, pages, link, labels))
    if content.key_points:
        points = "".join(f"<li>{render_inline(_one_line(point), content_link_ok)}</li>"
                         for point in content.key_points)
        body.append(_part("key-points", labels.key_points, f"<ul>{points}</ul>"))
    if content.conclusion:
        body.append(_part("conclusion", labels.conclusion, _markdown(content.conclusion)))
    if content.assessment:
        questions = "".join((quiz or (lambda q: question_html(q, link, labels)))(question)
                            for question in content.assessment)
        body.append(_part("assessment", labels.assessment, f'<ol class="quiz">{questions}</ol>'))
    if content.summary:
        body.append(_part("summary", labels.summary, _markdown(content.summary)))
    return with_diagrams("\n".join(body), page.pictures.diagrams, labels.diagram_not_drawn)


def _main_content(content: ModuleContent, pages: Sequence[ModulePage], link: SourceLink | None,
                  labels: Labels = ENGLISH) -> str:
    sections, loose = examples_by_section(content)
    parts, link_ok = [], module_link_policy(pages, "html")
    for number, (section, examples) in enumerate(sections, start=1):
        body = linked_to_modules(section.body_markdown, section.source.path, pages, "html")
        parts.append(f'<section class="topic" id="{topic_id(number)}"><h3>{escape(section.title)}</h3>'
                     f"{render_markdown(body, link_ok, 3)}{_source(section.source, link, labels=labels)}"
                     + "".join(_figure(example, False, link, labels) for example in examples) + "</section>")
    if loose:
        parts.append(f"<h3>{escape(labels.more_examples)}</h3>" + "".join(_figure(e, True, link, labels) for e in loose))
    return _part("content", labels.content, "\n".join(parts)) if parts else ""


def _figure(example: CodeExample, with_source: bool, link: SourceLink | None, labels: Labels = ENGLISH) -> str:
    caption = escape(example.caption)
    if with_source:
        caption = f"{caption} {_source(example.source, link, tag='span', labels=labels)}"
    code = code_html(example.code, example.language)
    return f'<figure class="code">{code}<figcaption>{caption}</figcaption></figure>'


def _source(source: Citation, link: SourceLink | None, tag: str = "p", labels: Labels = ENGLISH) -> str:
    heading = f" — {escape(source.heading)}" if source.heading else ""
    path = f"<code>{escape(source.path)}</code>"
    url = link(source.path) if link else None
    if url:
        path = f'<a href="{escape(url)}">{path}</a>'
    return f'<{tag} class="source">{escape(labels.source)}: {path}{heading}</{tag}>'


def question_html(question: Question, link: SourceLink | None = None, labels: Labels = ENGLISH) -> str:
    def shown(text: str) -> str:
        return f"<code>{escape(text)}</code>" if question.options_are_code else escape(text)
    options = "".join(f"<li>{shown(option)}</li>" for option in question.options)
    options = f'<ol class="options" type="A">{options}</ol>' if options else ""
    # The prompt and the explanation are Markdown, rendered as the reader renders them.
    return (f'<li class="question"><p class="prompt">{render_inline(_one_line(question.prompt), content_link_ok)} '
            f'<span class="kind">{escape(question.kind.replace("_", " "))}</span></p>{options}'
            f'<details><summary>{escape(labels.show_answer)}</summary>{answer_html(question, link, labels)}'
            '</details></li>')


def answer_html(question: Question, link: SourceLink | None = None, labels: Labels = ENGLISH) -> str:
    """A question's answer, its explanation and its source."""
    answer = f"<code>{escape(question.answer)}</code>" if question.options_are_code else escape(question.answer)
    return (f'<p><strong>{escape(labels.answer)}:</strong> {answer}</p>'
            f'<div class="explanation">{_markdown(question.explanation, 4)}</div>'
            f'{_source(question.source, link, labels=labels)}')


def _pager(pages: Sequence[ModulePage], page: ModulePage, label: str) -> str:
    """Links to the course index and the modules before and after; `label` names this one among
    the page's landmarks (there is one at the top and one at the end)."""
    previous, following = neighbours(pages, page)
    links = [f'<a href="../index.html">{escape(page.labels.course_index)}</a>']
    if previous:
        links.append(f'<a rel="prev" href="{previous.stem}.html">← {escape(previous.title)}</a>')
    if following:
        links.append(f'<a rel="next" href="{following.stem}.html">{escape(following.title)} →</a>')
    return f'<nav class="pager" aria-label="{escape(label)}">{"".join(links)}</nav>'


def _page(course: CourseExport, pages: Sequence[ModulePage], current: ModulePage | None, title: str,
          main: str) -> str:
    root, here = ("../", "") if current else ("", "modules/")
    labels = course.labels
    listed, more = _sidebar_pages(pages, current), ""
    if len(listed) < len(pages):  # the index lists them all
        more = f'<p><a href="{root}index.html">{escape(labels.course_index)}</a></p>'
    sidebar = "".join(
        f'<li><a href="{here}{page.stem}.html"{_current(page, current)}>{escape(page.title)}</a></li>'
        for page in listed)
    return f"""{document_head(title, CSP, f'<link rel="stylesheet" href="{root}assets/style.css">', labels)}
<body>
<a class="skip" href="#main">{escape(labels.skip)}</a>
<header class="site-header"><a href="{root}index.html">{escape(course.title)}</a></header>
<div class="layout">
<nav class="sidebar" aria-label="{escape(labels.modules)}"><h2>{escape(labels.modules)}</h2><ol start="{listed[0].number if listed else 1}">{sidebar}</ol>{more}</nav>
<main id="main">
{main}
</main>
</div>
{site_footer(course)}
</body>
</html>
"""


def _sidebar_pages(pages: Sequence[ModulePage], current: ModulePage | None) -> Sequence[ModulePage]:
    """Every module, or on a module page of a long course the SIDEBAR_MODULES around it: a full list
    on each of thousands of pages would make the site grow with the square of its modules."""
    if current is None or len(pages) <= SIDEBAR_MODULES:
        return pages
    first = min(max(0, current.number - 1 - SIDEBAR_MODULES // 2), len(pages) - SIDEBAR_MODULES)
    return pages[first:first + SIDEBAR_MODULES]


def document_head(title: str, csp: str, styles: str, labels: Labels = ENGLISH) -> str:
    """A page's doctype, language and direction (the course's) and <head>: its title, its
    Content-Security-Policy, its styles."""
    return f"""<!DOCTYPE html>
<html{labels.html_attributes()}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
{styles}
</head>"""


def site_footer(course: CourseExport) -> str:
    return (f'<footer class="site-footer"><p>Made by coursegen from the repository\'s documentation.'
            f'{_footer_release(course)}</p>\n<p class="no-ask">{NO_ASK}</p></footer>')


def _footer_release(course: CourseExport) -> str:
    """Every page says which version it belongs to: a module page is often read on its own."""
    line = release_line(course)
    return f" {escape(line)}." if line else ""


def _current(page: ModulePage, current: ModulePage | None) -> str:
    return ' aria-current="page"' if current is not None and page.number == current.number else ""


def _part(anchor: str, title: str, inner: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{inner}</section>'


def _markdown(text: str, heading_offset: int = 2) -> str:
    return render_markdown(text, content_link_ok, heading_offset)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
