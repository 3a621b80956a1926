"""Parsing documentation files of every supported format into `ParsedDocument`s: titles,
headings, code blocks, links and prose, and never an exception whatever the input."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from shared.docs.parsing import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docs"


def load(path: str):
    return parse(path, (FIXTURES / path).read_text(encoding="utf-8"))


def test_readme_keeps_html_block_text_and_drops_badges():
    doc = load("README.md")
    assert (doc.format, doc.title) == ("markdown", "Fluxmq")
    assert [h.text for h in doc.headings] == ["Fluxmq", "Features", "Documentation", "License"]
    assert "Fast. Durable. Simple to operate." in doc.text
    assert "Fluxmq logo" in doc.text  # an image's alt text is prose
    assert "Build Status" not in doc.text and "<" not in doc.text and "**" not in doc.text
    targets = [link.target for link in doc.links]
    assert targets[2:] == ["docs/getting-started.md", "docs/concepts/architecture.md",
                           "docs/api/reference.md", "CHANGELOG.md"]
    assert not any(target.endswith((".svg", ".png")) for target in targets)


def test_getting_started_front_matter_code_and_links():
    doc = load("docs/getting-started.md")
    assert doc.title == "Getting started"  # the first heading wins over front matter
    assert doc.front_matter == {"title": "Getting started with Fluxmq", "sidebar_position": "1"}
    assert [b.language for b in doc.code_blocks] == ["bash"] * 4 + ["python"] * 2
    assert "pip install fluxmq" not in doc.text and "client.publish" not in doc.text
    assert "Create a topic named orders:" in doc.text  # inline code kept as words
    assert [link.target for link in doc.links] == [
        "concepts/architecture.md", "concepts/architecture.md#consumer-groups", "api/reference.md"]
    assert [section.heading.text for section in doc.sections if section.heading][2] == "Installation"
    assert doc.sections[2].code[0].code == "pip install fluxmq"


def test_markdown_constructs():
    text = "\n".join([
        "Intro title", "===========", "", "Sub title", "---------", "",
        "Some *emphasis*, __strong__, ~~gone~~ and `snake_case` with a [ref link][docs] and",
        "<https://example.org/auto> and [shortcut].", "",
        "    indented = code()", "",
        "| Name | Type |", "|------|:----:|", "| `key` | str |", "",
        "> [!NOTE]", "> Quoted text.", "",
        "<!-- a comment -->", "## Duplicate", "## Duplicate", "### Chapter {#custom-id}", "",
        "~~~js", "let x = 1", "~~~", "",
        "[docs]: https://docs.example.org", "[shortcut]: ./other.md"])
    doc = parse("notes.markdown", text)
    assert [(h.level, h.text, h.anchor) for h in doc.headings] == [
        (1, "Intro title", "intro-title"), (2, "Sub title", "sub-title"),
        (2, "Duplicate", "duplicate"), (2, "Duplicate", "duplicate-1"), (3, "Chapter", "chapter")]
    assert [(b.language, b.code) for b in doc.code_blocks] == [("", "indented = code()"), ("js", "let x = 1")]
    assert "Some emphasis, strong, gone and snake_case with a ref link and" in doc.text
    assert "Name, Type." in doc.text and "key, str." in doc.text
    assert "Quoted text." in doc.text and "comment" not in doc.text and "NOTE" not in doc.text
    assert [link.target for link in doc.links] == [
        "https://example.org/auto", "https://docs.example.org", "./other.md"]


def test_mdx_drops_modules_and_component_tags_but_keeps_their_text():
    doc = load("docs/tutorial.mdx")
    assert (doc.format, doc.title) == ("mdx", "Build an order pipeline with Fluxmq")
    assert [h.text for h in doc.headings][1:] == [
        "Step 1: Create the topic", "Step 2: Write the producer", "Step 3: Run the billing consumer"]
    assert [b.language for b in doc.code_blocks] == ["bash", "python", "python"]
    assert "Finish the getting started guide so that a server is running on port 7400." in doc.text
    assert "Each consumer group keeps its own offsets." in doc.text
    for leaked in ("import", "export", "Tabs", "TabItem", "Admonition", "TODO", "{", "<"):
        assert leaked not in doc.text


def test_rst_sections_code_toctree_and_links():
    doc = load("docs/advanced.rst")
    assert (doc.format, doc.title) == ("rst", "Advanced topics")
    assert [(h.level, h.text) for h in doc.headings] == [
        (1, "Advanced topics"), (2, "Throughput tuning"), (3, "Retention"), (2, "Replication settings")]
    assert [b.language for b in doc.code_blocks] == ["python", "", "yaml"]
    assert doc.code_blocks[1].code == "retention.hours = 168\nsegment.bytes = 1073741824"
    assert {link.target for link in doc.links} == {
        "https://fluxmq.example.org", "concepts/architecture", "guide", "tuning",
        "concepts/architecture.html#replication"}
    assert "Compaction keeps only the latest message for each key." in doc.text  # a note's body
    assert "The default configuration is:" in doc.text  # "is::" introduces a literal block
    assert "Increase batch_size and linger_ms together:" in doc.text
    assert "comment" not in doc.text and "maxdepth" not in doc.text and "`" not in doc.text


def test_asciidoc_title_blocks_attributes_and_links():
    doc = load("docs/guide.adoc")
    assert (doc.format, doc.title) == ("asciidoc", "Operating Fluxmq")
    assert [(h.level, h.text) for h in doc.headings] == [
        (1, "Operating Fluxmq"), (2, "Monitoring"), (2, "Upgrades"), (3, "Rolling back")]
    assert [b.language for b in doc.code_blocks] == ["bash", "yaml", ""]
    assert doc.front_matter["description"] == "Day-to-day operation of a Fluxmq cluster."
    assert [link.target for link in doc.links] == [
        "concepts/architecture.adoc", "#upgrades", "https://prometheus.io/docs/"]
    assert "Consumer lag is the most useful metric to alert on." in doc.text
    assert "see the architecture page or the upgrade section" in doc.text
    for leaked in ("Jane Doe", ":toc:", "rouge", "[source", "xref:", "<<"):
        assert leaked not in doc.text


def test_notebook_cells():
    doc = load("notebooks/intro.ipynb")
    assert (doc.format, doc.title) == ("notebook", "Fluxmq in a notebook")
    assert [h.text for h in doc.headings] == ["Fluxmq in a notebook", "Consume the messages"]
    assert [b.language for b in doc.code_blocks] == ["python", "python"]
    assert "read once by the notebook consumer group" in doc.text
    assert "secret output text" not in doc.text and "raw cell text" not in doc.text


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", json.dumps({"cells": "nope"})])
def test_broken_notebooks_do_not_fail(text):
    doc = parse("notebooks/broken.ipynb", text)
    assert doc.title and doc.code_blocks == ()


def test_plain_text_and_unknown_extensions():
    doc = parse("docs/NOTES.txt", "Release notes\n\nFirst paragraph\ncontinues here.\n\nSecond one.")
    assert (doc.format, doc.title, doc.headings[0].level) == ("text", "Release notes", 1)
    assert doc.text == "First paragraph continues here.\n\nSecond one."
    assert parse("LICENSE", "Permission is hereby granted, free of charge, to any person.").title == "LICENSE"


def test_titles_fall_back_to_front_matter_then_file_name():
    assert parse("docs/a.md", "---\ntitle: 'Declared'\n---\n\n## Section\n\ntext").title == "Declared"
    assert parse("docs/getting-started.md", "Just prose.").title == "Getting started"
    assert parse("docs/api/index.md", "").title == "Api"
    assert parse("docs/02_advanced-usage.rst", "prose").title == "Advanced usage"


def test_a_lower_heading_after_the_opening_prose_names_a_section_not_the_page():
    # Starlette's pages have no heading of their own (its mkdocs nav names them): the first
    # heading, far down, is a section's.
    page = ("Starlette includes an application class `Starlette`.\n\n```python\napp = Starlette()\n```\n\n"
            "## Storing state on the app instance\n\nText.")
    assert parse("docs/applications.md", page).title == "Applications"
    assert parse("docs/routing.md", "```python\nroutes = []\n```\n\n### Path parameters").title == "Routing"
    assert parse("docs/a.md", "## Opening heading\n\nprose").title == "Opening heading"
    assert parse("docs/a.md", "Prose first.\n\n# Level one\n\nmore").title == "Level one"


def test_script_and_style_contents_never_reach_the_text():
    doc = load("docs/faq.md")
    for leaked in ("fetch", "evil.example", "document.cookie", "hidden-banner", "display"):
        assert leaked not in doc.text
    assert "Fluxmq supports Windows through Docker." in doc.text
    inline = parse("a.md", "Use the `<script>` tag sparingly.\n\n<SCRIPT type=x>alert(1)")
    assert "Use the <script> tag sparingly." in inline.text and "alert" not in inline.text


def _garbage() -> str:
    generator = random.Random(7)
    return bytes(generator.randrange(256) for _ in range(50_000)).decode("utf-8", errors="replace")


@pytest.mark.parametrize("path", ["x.md", "x.mdx", "x.rst", "x.adoc", "x.ipynb", "x.txt", "x.bin", "x"])
@pytest.mark.parametrize("text", [
    "", "\x00\x01\x02", _garbage(), "word " * 200_000, "[" * 300_000 + "](" * 100_000,
    "*_`<" * 250_000, "<script>" * 50_000, "\n".join([".. note::", "   ==", "=="] * 20_000),
    "".join(" " * depth + ".. note::\n\n" for depth in range(0, 600, 3))])
def test_parse_never_raises(path, text):
    doc = parse(path, text)
    assert doc.title and doc.path == path and doc.word_count >= 0


def test_parsing_is_deterministic():
    for path in ("README.md", "docs/advanced.rst", "docs/guide.adoc", "docs/tutorial.mdx"):
        assert load(path) == load(path)


def test_rst_doctest_blocks_are_code_not_prose():
    # Jinja's docs show sessions as doctest blocks (no "::"): they are code to the blank line.
    doc = parse("docs/nativetypes.rst", "Native types\n============\n\nAdding gives an int:\n\n"
                ">>> t = env.from_string('{{ x + y }}')\n>>> print(t.render(x=4, y=2))\n6\n\nAfter.")
    assert [(block.language, block.code) for block in doc.code_blocks] == [
        ("pycon", ">>> t = env.from_string('{{ x + y }}')\n>>> print(t.render(x=4, y=2))\n6")]
    assert doc.text == "Adding gives an int:\n\nAfter."
    # a prompt inside a paragraph is prose (docutils starts a doctest block only at a paragraph)
    assert parse("a.rst", "Type\n>>> x\nthere.").code_blocks == ()


def test_a_figure_shows_its_caption_not_its_image_path_and_doctest_setup_is_not_shown():
    rst = parse("a.rst", "Title\n=====\n\n.. figure:: _static/diagram.png\n   :alt: A diagram\n\n   The request flow.\n\n"
                         ".. testsetup::\n\n   import structlog\n\nAfter.\n")
    assert rst.text == "The request flow.\n\nAfter." and rst.code_blocks == ()
    myst = parse("a.md", "# Title\n\n```{figure} _static/diagram.png\n:alt: A diagram\n\nThe request flow.\n```\n")
    assert myst.text == "The request flow." and myst.code_blocks == ()


def test_an_indented_code_block_ending_the_text_is_kept():
    doc = parse("docs/a.md", "# T\n\nRun it:\n\n    x = 1\n    y = 2\n")
    assert [block.code for block in doc.code_blocks] == ["x = 1\ny = 2"] and doc.text == "Run it:"
    assert doc.sections[0].markdown == "Run it:\n\n```\nx = 1\ny = 2\n```"


def test_an_image_dark_mode_twin_does_not_repeat_its_alt_text():
    # Starlette's index: the logo twice, once per colour mode ("starlette starlette ✨ …").
    html = ('<p align="center">\n  <img src="/img/logo.svg#only-light" alt="starlette"/>\n'
            '  <img src="/img/logo_dark.svg#only-dark" alt="starlette"/>\n</p>\n\nFast.')
    assert parse("docs/index.md", html).text == "starlette\n\nFast."
    markdown = "![Acme mark](logo.svg#gh-light-mode-only)![Acme mark](logo-dark.svg#gh-dark-mode-only) Fast."
    assert parse("docs/a.md", markdown).text == "Acme mark Fast."


def test_an_alt_text_that_only_repeats_the_image_file_name_is_not_prose():
    # Starlette's course opened with "starlette ✨ The little ASGI framework…": its logo's alt text.
    html = '<p align="center"><img width="400px" src="/img/starlette.svg#only-light" alt="starlette"/></p>\n\nFast.'
    assert parse("docs/index.md", html).text == "Fast."
    markdown = "![Logo](img/project-logo.png) Fast.\n\n![A diagram of the cluster](img/cluster.png)"
    doc = parse("docs/a.md", markdown)
    assert doc.text == "Fast.\n\nA diagram of the cluster"
    assert "Logo" not in doc.sections[0].markdown and "A diagram of the cluster" in doc.sections[0].markdown


def test_mkdocstrings_for_a_bare_module_is_a_generated_reference_and_a_vitepress_container_is_a_callout():
    # Python-Markdown's reference pages: `::: markdown` and its options read as a callout before.
    reference = parse("docs/reference/markdown.md", "::: markdown\n    options:\n      summary:\n"
                                                     "        classes: true\n")
    assert reference.generated_references == ("markdown",) and "options" not in reference.sections[0].markdown
    container = parse("docs/a.md", "# A\n\n::: tip\nBe careful.\n:::\n")
    assert container.generated_references == () and "> **Tip**" in container.sections[0].markdown


def test_a_directive_in_an_rst_list_item_is_read_as_a_directive():
    # click's parameter-types page: "- \\.. autoclass:: Choice" was a list item of its course.
    doc = parse("docs/types.rst", "Types\n=====\n\n*   .. autoclass:: Choice\n       :noindex:\n\n"
                                  "*   .. autoclass:: Path\n\n* A plain item.\n")
    assert doc.generated_references == ("Choice", "Path")
    assert "autoclass" not in doc.text and "noindex" not in doc.text and "A plain item." in doc.text


@pytest.mark.parametrize("path, text", [
    ("docs/a.md", "# A\n\nIntro.\n\n- one\n- two\n\nBetween.\n\n1. first\n2. second\n\n> **Note**\n"),
    ("docs/a.rst", "A\n=\n\nIntro.\n\n* one\n* two\n\nBetween.\n\n1. first\n2. second\n"),
])
def test_a_sections_lists_are_its_list_items_plain_in_order_one_tuple_per_list(path, text):
    section = next(s for s in parse(path, text).sections if s.text)
    assert section.lists == (("one", "two"), ("first", "second"))
    assert all(item in section.text.split("\n\n") for items in section.lists for item in items)


@pytest.mark.parametrize("path, text", [
    ("docs/a.md", "# T\n\nRun `pip install . --user`, split on `:` or `;`, either `---` or `...` here. "
                  "See ![the diagram](d.png) . A footnote [^1] .\n"),
    ("docs/a.rst", "Title\n=====\n\nRun ``pip install . --user``, split on ``:`` or ``;``, either ``---`` or ``...`` "
                   "here. See the diagram [#]_ . A footnote [#]_ .\n"),
    ("docs/a.adoc", "= T\n\nRun `pip install . --user`, split on `:` or `;`, either `---` or `...` here. "
                    "See the diagram . A footnote .\n"),
])
def test_inline_code_keeps_its_blanks_in_the_plain_text_and_gaps_left_by_removed_markup_close(path, text):
    # "pip install. --user", "split on:, or;" and "or..." were the plain text of real pages
    # (click, Flask, Python-Markdown): the blank before punctuation was closed inside code too.
    section = next(s for s in parse(path, text).sections if s.text)
    assert section.text == ("Run pip install . --user, split on : or ;, either --- or ... here. "
                            "See the diagram. A footnote.")
    assert section.markdown.startswith("Run `pip install . --user`, split on `:` or `;`, either `---` or `...`")
    assert section.markdown.endswith("See the diagram. A footnote.")


@pytest.mark.parametrize("path, text", [
    ("docs/a.md", "# T\n\nIf a user submits `<script>alert(1)</script>` as their name, it is rendered as "
                  "`&lt;script&gt;` instead. A comment opens with `<!--`.\n\n<script>evil()</script>\n"),
    ("docs/a.rst", "Title\n=====\n\nIf a user submits ``<script>alert(1)</script>`` as their name, it is "
                   "rendered as ``&lt;script&gt;`` instead. A comment opens with ``<!--``.\n"),
])
def test_html_written_as_inline_code_is_prose_about_html_and_stays_in_the_plain_text(path, text):
    # Starlette's templates page: "submits <script>…</script> as their name" lost its example,
    # Python-Markdown's changelog its "(<!--)", to the raw-HTML defence that runs on plain text.
    plain = parse(path, text).text
    assert plain == ("If a user submits <script>alert(1)</script> as their name, it is rendered as "
                     "&lt;script&gt; instead. A comment opens with <!--.")


def test_rst_interpreted_text_after_interpreted_text_is_read_from_its_own_backticks():
    # Flask's packages page: "`__name__` variable and `__module__`" was "__name__ variable and
    # module_" (and "`__name__variable andmodule\_`" as Markdown): a reference read between spans.
    section = parse("docs/a.rst", "Title\n=====\n\nThe `__name__` variable and `__module__`, see "
                                  "`the docs`_.\n\n.. _the docs: https://example.org/docs\n").sections[0]
    assert section.text == "The __name__ variable and __module__, see the docs."
    assert section.markdown == ("The `__name__` variable and `__module__`, see "
                                "[the docs](https://example.org/docs).")


def test_a_code_span_opening_with_braces_is_no_myst_role():
    # click's shell-completion page: "`{FOO_BAR}` is the executable name … `bash`" read as a role
    # named FOO_BAR, and the sentence lost its subject.
    section = parse("docs/a.md", "# T\n\n`{FOO_BAR}` is the executable name. The shells are `bash` "
                                 "and `zsh`. See {doc}`install`.\n").sections[0]
    assert section.text == "{FOO_BAR} is the executable name. The shells are bash and zsh. See Install."
    assert section.markdown.startswith("`{FOO_BAR}` is the executable name. The shells are `bash` and `zsh`.")


def test_rst_lines_are_read_alike_whatever_blank_opens_them_and_empty_items_add_nothing():
    # parse_rst_lines asks a line for explicit markup, a list item, a field or a table border only
    # when its first non-blank could open one; blanks Python strips and the patterns' `\s` agree
    # (a no-break space before a field, an em space before a bullet, a digit not in ASCII).
    doc = parse("docs/a.rst", "Title\n=====\n\n:orphan: yes\n\n\u00a0:param x: the value\n\n- \n-\n\n"
                              "\u2003- an item\n\u0663. third\n(2) second\n\n+---+\n| a |\n+---+\n\n"
                              "range a..b here\n  .. note:: Careful.\n")
    assert doc.sections[0].text.split("\n\n") == ["orphan: yes", "param x: the value", "-", "an item",
                                                  "third", "second", "a", "range a..b here", "Careful."]
    assert parse("docs/b.rst", "- \n- \n\n* \n#. \n").text == ""
