"""The Markdown folder of an export: `index.md` and `modules/NN-slug.md`. Plain text (titles,
questions) is escaped; Markdown written by the engine or an LLM is neutralised (no raw HTML, no
images, only web/mail links), so the files are safe in any Markdown viewer."""
from __future__ import annotations

from functools import partial
from typing import Callable, Sequence

from .export_model import (CHANGELOG_HEADING, CourseExport, ModulePage, content_link_ok, engine_line,
                           examples_by_section, fence_language, linked_to_modules, module_link_policy, module_meta,
                           module_pages, neighbours, release_line)
from ..markdown_text import escape_markdown as esc
from ..markdown_text import code_span, fenced_block, neutralise_markdown, neutralise_markdown_line
from ..models import CodeExample, Citation, Question
from shared.course_labels import Labels

ENGLISH = Labels(None)


def markdown_files(course: CourseExport) -> dict[str, str]:
    return {name: make() for name, make in markdown_entries(course).items()}


def markdown_entries(course: CourseExport) -> dict[str, Callable[[], str]]:
    """Each file of the Markdown folder by name, made when asked for (an export writes one at a time)."""
    pages = module_pages(course)
    files: dict[str, Callable[[], str]] = {"index.md": partial(index_markdown, course, pages)}
    for page in pages:
        files[f"modules/{page.stem}.md"] = partial(module_markdown, pages, page)
    return files


def index_markdown(course: CourseExport, pages: Sequence[ModulePage]) -> str:
    labels = course.labels
    parts = [f"# {esc(course.title)}", esc(course.description),
             f"*{esc(course.language_note)}*" if course.language_note else "", f"*{esc(engine_line(course.engine))}*"
             if course.engine else "", f"*{esc(release_line(course))}*" if course.version is not None else ""]
    if course.changelog:
        parts += [f"## {CHANGELOG_HEADING}", _bullets(course.changelog)]
    if course.pathway_title or course.pathway_description:
        parts += [f"## {esc(labels('pathway', title=course.pathway_title))}", esc(course.pathway_description)]
    if course.pathway_objectives:
        parts += [f"### {labels.what_you_will_learn}", _bullets(course.pathway_objectives)]
    parts.append(f"## {labels.modules}")
    parts.append("\n".join(f"{page.number}. [{esc(page.title)}](modules/{page.stem}.md)"
                           f"{_dash(page.spec.description)} *({module_meta(page.spec)})*" for page in pages))
    return _joined(parts)


def module_markdown(pages: Sequence[ModulePage], page: ModulePage) -> str:
    content, navigation, labels = page.content, _navigation(pages, page), page.labels
    sections, loose_examples = examples_by_section(content)
    parts = [navigation, f"# Module {page.number}: {esc(content.title)}", f"*{module_meta(page.spec)}*",
             f"## {labels.introduction}", _safe(content.introduction)]
    if content.learning_objectives:
        parts += [f"## {labels.learning_objectives}", _bullets(content.learning_objectives)]
    if sections:
        parts.append(f"## {labels.content}")
    for section, examples in sections:
        body = linked_to_modules(section.body_markdown, section.source.path, pages, "md")
        parts += [f"### {esc(section.title)}", neutralise_markdown(body.strip(), module_link_policy(pages, "md")),
                  _source_line(section.source, labels)]
        parts += [_example(example, with_source=False) for example in examples]
    if loose_examples:
        parts += [f"## {labels.more_examples}"] + [_example(example, True, labels)
                                              for example in loose_examples]
    if content.key_points:
        # One line inside a list item: inline only, as a fence there would end the item early.
        parts += [f"## {labels.key_points}", "\n".join(f"- {neutralise_markdown_line(_one_line(point), content_link_ok)}"
                                            for point in content.key_points)]
    if content.conclusion:
        parts += [f"## {labels.conclusion}", _safe(content.conclusion)]
    if content.assessment:
        parts += [f"## {labels.assessment_title}"] + [_question(n, q, labels)
                                                for n, q in enumerate(content.assessment, start=1)]
    if content.summary:
        parts += [f"## {labels.summary}", _safe(content.summary)]
    parts += ["---", navigation]
    return _joined(parts)


def _navigation(pages: Sequence[ModulePage], page: ModulePage) -> str:
    previous, following = neighbours(pages, page)
    labels = page.labels
    links = [f"[{labels.course_index}](../index.md)"]
    if previous:
        links.append(f"[{labels.previous}: {esc(previous.title)}]({previous.stem}.md)")
    if following:
        links.append(f"[{labels.next}: {esc(following.title)}]({following.stem}.md)")
    return " · ".join(links)


def _source_line(source: Citation, labels: Labels = ENGLISH) -> str:
    heading = f" — {esc(source.heading)}" if source.heading else ""
    return f"{labels.source}: {code_span(source.path)}{heading}"


def _example(example: CodeExample, with_source: bool, labels: Labels = ENGLISH) -> str:
    block = fenced_block(example.code, fence_language(example.language))
    caption = f"*{esc(example.caption)}*" if example.caption else ""
    if with_source:
        caption = f"{caption} — {_source_line(example.source, labels)}".lstrip(" —")
    return _joined([block, caption]).rstrip("\n")


def _question(number: int, question: Question, labels: Labels = ENGLISH) -> str:
    kind = question.kind.replace("_", " ")
    # The prompt and the explanation are Markdown (a model's `code` and the offline engine's quotes):
    # kept inline, everything that could start a block or a raw construct neutralised.
    prompt = neutralise_markdown_line(_one_line(question.prompt), content_link_ok)
    parts = [f"**{number}. {prompt}** ({kind})"]
    shown = code_span if question.options_are_code else esc
    if question.options:
        parts.append("\n".join(f"- {_option_label(n)}. {shown(option)}"
                               for n, option in enumerate(question.options)))
    # <details> keeps the answer folded on GitHub and most viewers; the blank lines around the
    # body let Markdown inside it render.
    answer = (f"<details>\n<summary>{labels.answer}</summary>\n\n**{labels.answer}:** {shown(question.answer)}\n\n"
              f"{_safe(question.explanation)}\n\n{_source_line(question.source, labels)}\n\n</details>")
    parts.append(answer)
    return "\n\n".join(parts)


def _option_label(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def _safe(markdown: str) -> str:
    return neutralise_markdown(markdown.strip(), content_link_ok)


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"- {esc(item)}" for item in items)


def _one_line(text: str) -> str:
    return " ".join(text.split())     # for text that sits inside a list item


def _dash(text: str) -> str:
    text = _one_line(text)
    return f" — {esc(text)}" if text else ""


def _joined(parts: Sequence[str]) -> str:
    return "\n\n".join(part for part in parts if part.strip()) + "\n"

