"""`escape_markdown` is the one rule by which plain text (a title, a quoted sentence, a question's
options) becomes Markdown: rendered by a real CommonMark renderer, it must read as exactly the text."""
from __future__ import annotations

import html

import pytest
from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt

from shared.docs.markdown_out import escape_markdown

RENDERER = MarkdownIt("commonmark")


def rendered(markdown: str) -> str:
    return RENDERER.renderInline(markdown)


@pytest.mark.parametrize("text", [
    "a class with a __call__() method",        # structlog's processors page: "_call_" was emphasis
    "__init__.py and __main__", "snake_case_name", "_private and trailing_", "a__b", "**not bold**",
    "`not code`", "[not](a link)", "<b>not html</b>", "1 * 2 * 3", "~~not struck~~",
])
def test_escaped_text_renders_as_exactly_the_text(text):
    assert html.unescape(rendered(escape_markdown(text))) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="_*`~[]()<>!\\ab1 ", min_size=1, max_size=24).map(str.strip).filter(bool))
def test_any_text_of_markup_characters_renders_as_itself(text):
    assert html.unescape(rendered(escape_markdown(text))) == text
