"""How a document is cut into citable sections (services/gateway/ask/sections.py), how a long one
is quoted (extractive.py) and linked on its forge (service.py): the line ranges are the document's
own lines, in every markup the parser reads."""
from __future__ import annotations

from services.gateway.ask.extractive import MAX_QUOTE_LINES, window
from services.gateway.ask.sections import cut
from shared.repos.forge_links import source_url
from shared.docs.parsing import parse

MARKDOWN = """# Guide

Intro text.

## The `proxy` option

Set `server.proxy` to forward requests.

```js
export default { server: { proxy: { '/api': 'http://localhost:3000' } } }
```

### [Rewriting paths](https://example.com)

Use rewrite.

## Last
End.
"""

RST = """Guide
=====

Intro.

Proxy option
------------

Set the proxy.
"""


def _lines(text: str, start: int, end: int) -> list[str]:
    return text.splitlines()[start - 1:end]


def test_each_section_is_cited_by_its_own_lines_under_the_headings_it_sits_in():
    sections = cut(parse("docs/guide.md", MARKDOWN), MARKDOWN)
    by_heading = {s.heading: s for s in sections}
    proxy = by_heading["The proxy option"]
    assert _lines(MARKDOWN, proxy.start_line, proxy.end_line)[0] == "## The `proxy` option"
    assert proxy.quote.splitlines() == _lines(MARKDOWN, proxy.start_line, proxy.end_line)
    assert "export default" in proxy.quote and "export default" in proxy.code  # code kept, quoted and searched
    rewriting = by_heading["Rewriting paths"]  # a heading that is a link is found too
    assert _lines(MARKDOWN, rewriting.start_line, rewriting.start_line)[0].startswith("### [Rewriting paths]")
    assert rewriting.title == "Guide › The proxy option"
    assert proxy.end_line == rewriting.start_line - 2  # the blank line between is no one's
    last = by_heading["Last"]
    assert last.end_line == len(MARKDOWN.splitlines()) and last.title == "Guide"


def test_restructuredtext_headings_are_found_by_their_text():
    sections = cut(parse("docs/guide.rst", RST), RST)
    proxy = next(s for s in sections if s.heading == "Proxy option")
    assert _lines(RST, proxy.start_line, proxy.end_line) == ["Proxy option", "------------", "", "Set the proxy."]


def test_a_long_section_is_quoted_by_the_window_holding_the_question_and_cited_by_its_lines():
    body = [f"filler line {n}" for n in range(200)]
    body[150] = "the watchdog resets the machine"
    start, end, text = window("\n".join(body), 10, 209, ("watchdog",))
    assert "watchdog" in text and len(text.splitlines()) <= MAX_QUOTE_LINES
    assert text.splitlines() == body[start - 10:end - 10 + 1]


def test_forge_links_point_at_the_lines_at_the_commit_and_nowhere_else():
    assert source_url("https://github.com/o/r.git", "abc", "docs/a b.md", 3, 9) == \
        "https://github.com/o/r/blob/abc/docs/a%20b.md#L3-L9"
    assert source_url("https://gitlab.com/g/r", "abc", "a.md", 1, 2) == "https://gitlab.com/g/r/-/blob/abc/a.md#L1-2"
    assert source_url("/tmp/repo", "abc", "a.md", 1, 2) is None
    assert source_url("https://user:secret@github.com/o/r", "abc", "a.md", 1, 2) is None
    assert source_url("https://github.com/o/r", None, "a.md", 1, 2) is None
