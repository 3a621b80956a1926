"""The exported .md files are safe in any CommonMark renderer (issue 15): hostile Markdown from a
model (fences the neutraliser might read differently from a renderer, raw HTML after them, images
and reference definitions pointing elsewhere, `javascript:` links) is rendered by a real
CommonMark implementation (markdown-it-py, raw HTML enabled), and only its output is judged:
no tag or attribute a Markdown construct does not make, no image, no link off the web."""
from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt

from services.modules.export.export import CourseExport, markdown_files
from services.modules.markdown_text import neutralise_markdown, neutralise_markdown_line
from services.modules.models import (Citation, CodeExample, ContentSection, ModuleContent, ModuleSpec,
                                     Question)

RENDERER = MarkdownIt("commonmark")  # html=True: raw HTML that reaches it is passed through
# What Markdown itself makes, with the attributes it gives them (the export's own <details>).
MARKDOWN_TAGS = {"p": set(), "em": set(), "strong": set(), "code": {"class"}, "pre": set(),
                 "blockquote": set(), "ul": set(), "ol": {"start"}, "li": set(), "hr": set(), "br": set(),
                 "a": {"href", "title"}, "details": set(), "summary": set(),
                 **{f"h{n}": set() for n in range(1, 7)}}
SAFE_SCHEMES = ("http:", "https:", "mailto:")

HOSTILE_HTML = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<a href='javascript:alert(1)'>x</a>",
                "<svg onload=alert(1)>", "<details open ontoggle=alert(1)>", "<!-- c -->", "<div>", "</p>",
                "<iframe src=https://evil.example>", "<em onclick=alert(1)>e</em>", "<?php x ?>", "<![CDATA[x]]>"]
HOSTILE_LINKS = ["[t](javascript:alert(1))", "![t](https://evil.example/x.png)", "[p]: https://evil.example/x.png",
                 "[p]: <https://evil.example/x.png> 'title'", "![t][p]", "![p]", "![p][]", "[x][p]",
                 "<https://evil.example/x.png>", "<javascript:alert(1)>", "[x](&#106;avascript:alert(1))",
                 "[x](<javascript:alert(1)>)", "[x](//evil.example)", "[ok](https://example.com/a_(b))",
                 "[x](java\tscript:alert(1))", "&#60;img src=x onerror=alert(1)&#62;", "[x]:\n/u"]
FENCES = ["```", "````", "~~~", "~~~~", "```x`", "``` js", "```js`x", "~~~ `x`", "`", "``", "` `` `"]
TEXT = ["a", " ", "\\", "\\`", "\\<", "\\\\", "*", "_", "&", "(", ")", "]", "[", "!", "\t", "    "]
PREFIXES = ["", " ", "  ", "   ", "    ", "> ", ">", "- ", "1. ", "  - ", "> - ", "-   "]

tokens = st.sampled_from(HOSTILE_HTML + HOSTILE_LINKS + FENCES + TEXT)
lines = st.builds(lambda prefix, parts: prefix + "".join(parts), st.sampled_from(PREFIXES),
                  st.lists(tokens, max_size=5))
documents = st.lists(lines | st.just(""), min_size=1, max_size=14).map("\n".join)


class MarkupProblems(HTMLParser):
    """Every tag and attribute in rendered HTML that Markdown would not have made safely."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        allowed = MARKDOWN_TAGS.get(tag)
        if allowed is None:
            self.problems.append(f"raw tag <{tag}>")
            return
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"<{tag} {name}=...>")
            elif name == "href" and not safe_href(value or ""):
                self.problems.append(f"href {value!r}")

    def handle_endtag(self, tag):
        if tag not in MARKDOWN_TAGS:
            self.problems.append(f"raw tag </{tag}>")

    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")


def safe_href(href: str) -> bool:
    lowered = href.strip().lower()
    if lowered.startswith("//"):
        return False
    scheme = lowered.split(":", 1)[0] + ":" if ":" in lowered.split("/", 1)[0] else ""
    return not scheme or lowered.startswith(SAFE_SCHEMES)


def problems_of(markdown: str) -> list[str]:
    html = RENDERER.render(markdown)
    parser = MarkupProblems()
    parser.feed(html)
    parser.close()
    return [f"{problem} in {html!r}" for problem in parser.problems]


@settings(max_examples=600, deadline=None)
@given(documents)
def test_neutralised_markdown_renders_to_nothing_but_markdown_markup(document):
    assert problems_of(neutralise_markdown(document)) == []


@settings(max_examples=300, deadline=None)
@given(lines)
def test_a_neutralised_line_inside_a_list_item_renders_to_nothing_but_markdown_markup(line):
    assert problems_of(f"- {neutralise_markdown_line(line)}\n- next") == []


def test_a_backtick_line_that_is_no_fence_does_not_hide_the_html_after_it():
    """```x` opens no fence in CommonMark (a backtick fence's info string has no backticks)."""
    for opener in ("```x`", "``` a ` b", "~~~x", " ```"):
        exported = neutralise_markdown(f"{opener}\n<img src=x onerror=alert(1)>\n```")
        assert "<img" not in RENDERER.render(exported)
        assert problems_of(exported) == []


def test_reference_style_images_and_definitions_load_nothing_from_other_hosts():
    source = "![t][p] ![p] ![p][]\n\n[p]: https://evil.example/x.png\n[q]: https://evil.example/y\n[link][q]"
    html = RENDERER.render(neutralise_markdown(source))
    assert "src=" not in html and "evil.example/y\"" not in html
    assert problems_of(neutralise_markdown(source)) == []


def test_code_stays_code_and_allowed_links_stay_links():
    source = "Use `List<String>` here.\n\n```python\nif a < b:\n    print('<ok>')\n```\n\n[docs](https://example.com/d)"
    html = RENDERER.render(neutralise_markdown(source))
    assert "<code>List&lt;String&gt;</code>" in html
    assert '<pre><code class="language-python">if a &lt; b:\n    print(\'&lt;ok&gt;\')\n</code></pre>' in html
    assert '<a href="https://example.com/d">docs</a>' in html


@settings(max_examples=60, deadline=None)
@given(documents)
def test_every_exported_file_renders_to_nothing_but_markdown_markup(hostile):
    document = f"x{hostile}"[:300]  # every field must hold something, titles at most 300 characters
    source = Citation(path="docs/a.md", heading="A", anchor="a")
    content = ModuleContent(
        title=document, introduction=document, learning_objectives=[document],
        sections=[ContentSection(title=document, body_markdown=document, source=source)],
        code_examples=[CodeExample(language=document, code=document, caption=document, source=source)],
        key_points=[document], conclusion=document, summary=document,
        assessment=[Question(kind="multiple_choice", prompt=document, options=[document, "b"], answer=document,
                             explanation=document, source=source)])
    spec = ModuleSpec(module_id="m1", position=1, title=document, documents=["docs/a.md"],
                      description=document, estimated_minutes=5)
    course = CourseExport(title=document, description=document, pathway_title=document,
                          pathway_description=document, pathway_objectives=[document], modules=[(spec, content)])
    for name, text in markdown_files(course).items():
        assert problems_of(text) == [], name
