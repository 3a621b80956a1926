"""Code stays where the source put it (issue 21): courses the offline engine writes from real
documentation — an MkDocs project (Python-Markdown) and Sphinx projects (Click, attrs, Django's
intro), tests/fixtures/ordered_books — keep every code block they show right after the block of
the source that introduces it, and show most of the source's code at all."""
from __future__ import annotations

from pathlib import Path

import pytest

from shared.docs.markdown_out import fenced_code, markdown_blocks
from tests.support.offline_course import course_of_checkout

BOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books"
SHOWN_AT_LEAST = 0.6     # of the code blocks of the sections a course includes (the rest: shortened)


def code_of(block: str) -> str | None:
    fenced = fenced_code(block)
    return fenced[1] if fenced else None


@pytest.mark.parametrize("book", ["python-markdown", "click", "attrs", "django-intro"])
def test_every_code_block_a_course_shows_follows_the_text_that_introduces_it_in_the_source(book):
    course = course_of_checkout(BOOKS / book)
    shown, in_source, checked = 0, 0, 0
    for content in course.contents:
        for section in content.sections:
            doc = course.sources[section.source.path].parsed
            source = [s for s in doc.sections
                      if (s.heading.text if s.heading else "") == section.source.heading]
            assert source, (section.source, "cites a heading its document has")
            source_blocks = [block for s in source for block in markdown_blocks(s.markdown)]
            in_source += sum(1 for block in source_blocks if code_of(block) is not None)
            body, after = markdown_blocks(section.body_markdown), -1
            for at, block in enumerate(body):
                code = code_of(block)
                if code is None:
                    continue
                shown += 1
                # The next block of the source with this code (all of it, or its first lines).
                after = place = next(n for n, b in enumerate(source_blocks) if n > after and
                                     code_of(b) is not None and (code_of(b) + "\n").startswith(code + "\n"))
                if place == 0 or at == 0:
                    continue
                checked += 1
                assert body[at - 1] == source_blocks[place - 1], (book, section.title, code[:80])
    assert checked > 0 and shown >= SHOWN_AT_LEAST * in_source, (book, shown, in_source)
    assert all(not content.code_examples for content in course.contents)
