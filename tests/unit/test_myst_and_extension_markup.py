"""MyST (Sphinx's Markdown) and Python-Markdown extension syntax, as real documentation writes it
(attrs, Click, Python-Markdown in tests/fixtures/ordered_books): roles, directives written as
fences, reStructuredText inside Markdown, footnote definitions, attribute lists, definition lists —
none reaches the course raw, and a callout's code stays code through the export."""
from __future__ import annotations

from services.modules.markdown_text import neutralise_markdown
from shared.docs.parsing import parse


def markdown_of(text: str, path: str = "docs/page.md") -> str:
    return "\n\n".join(section.markdown for section in parse(path, text).sections)


def test_myst_roles_become_links_code_or_text():
    doc = parse("docs/a.md", "# A\n\nSee {doc}`overview`, the {term}`dunder ones <dunder methods>` "
                             "and {py:class}`~attrs.Foo`.\n")
    assert doc.sections[0].markdown == "See [Overview](overview), the dunder ones and `Foo`."
    assert ("overview", "Overview") in [(link.target, link.text) for link in doc.links]


def test_a_myst_callout_inside_a_list_item_keeps_its_body_as_text_and_the_list_goes_on():
    text = ("# A\n\n- Slotted classes need care.\n\n  :::{note}\n  Uses {func}`~attrs.define` here.\n  :::\n\n"
            "  Also, think twice.\n")
    out = markdown_of(text)
    assert "> **Note**\n>\n> Uses `define` here." in out
    assert "Also, think twice." in out and "```" not in out and "{note}" not in out


def test_directives_written_as_fences_are_callouts_or_code_and_their_options_go():
    text = ("# A\n\n```{admonition} Careful\n:class: note\n\n   Make it required.\n```\n\n"
            "```{code-block} python\nx = 1\n```\n")
    out = markdown_of(text)
    assert "> **Note — Careful**\n>\n> Make it required." in out
    assert "```python\nx = 1\n```" in out and ":class:" not in out


def test_rest_inside_markdown_is_parsed_as_rest():
    text = ("# A\n\nHere is one:\n\n```{eval-rst}\n.. currentmodule:: click\n\n.. click:example::\n\n"
            "    @click.command()\n    def hello():\n        pass\n\n.. click:run::\n\n"
            "    invoke(hello)\n```\n")
    out = markdown_of(text)
    assert out == "Here is one:\n\n```python\n@click.command()\ndef hello():\n    pass\n```"


def test_footnote_definitions_attribute_lists_and_definitions_lose_their_marks():
    text = ("# Using Git {: #git }\n\nA claim[^fn1].\n\n[^fn1]: The footnote's text.\n\nPara.\n{: .note }\n\n"
            "Term\n: Its definition.\n")
    doc = parse("docs/a.md", text)
    assert [heading.text for heading in doc.headings] == ["Using Git"]
    out = doc.sections[0].markdown
    assert out == "A claim.\n\nThe footnote's text.\n\nPara.\n\nTerm\n\nIts definition."


def test_myst_block_attributes_alone_on_their_line_are_dropped_and_braces_in_prose_stay():
    # Click's index opens with `{.hide-header}` (MyST attrs_block), which read as its first text
    doc = parse("docs/index.md", '{.hide-header}\n# Welcome\n\n{#intro .lead key="a b" n=3}\nClick is small.\n\n'
                                 "{foo}\n\n{x=}\n\n{.a.b}\n")
    assert [section.text for section in doc.sections] == ["Click is small.\n\n{foo}\n\n{x=}\n\n{.a.b}"]
    assert doc.sections[0].markdown.startswith("Click is small.")


def test_code_in_a_callout_stays_a_code_block_after_the_export_neutralises_it():
    quoted = "> **Warning**\n>\n> Use `x` <b>:\n>\n> ```python\n> x = '<s>'\n> ```"
    assert neutralise_markdown(quoted) == "> **Warning**\n>\n> Use `x` \\<b>:\n>\n> ```python\n> x = '<s>'\n> ```"
    deep = neutralise_markdown("> " * 50 + "<i>")       # bounded: past the depth, escaped text
    assert "\\<i>" in deep


def test_a_role_with_an_explicit_title_shows_the_title_as_text_unless_it_names_code():
    doc = parse("docs/a.rst", "Title\n=====\n\nSee :gh:`the example <examples/tutorial>`, "
                              ":class:`the app <flask.Flask>` and :func:`~flask.url_for`.\n")
    assert doc.sections[0].markdown == "See the example, `the app` and `url_for`."


def test_directives_that_are_not_code_never_become_code_blocks():
    # Click's index (`{toctree}`, `{image}`), structlog's pages (`{testsetup}`, `{doctest}`) and tabs.
    text = ("# A\n\n```{image} _static/logo.svg\n:align: center\n```\n\n```{contents}\n:local:\n```\n\n"
            "```{toctree}\n:maxdepth: 2\n\nfaqs\nInstalling <install>\n```\n\n```{testsetup}\nimport structlog\n```\n\n"
            "```{doctest}\n>>> 1 + 1\n2\n```\n\n````{tab-item} Linux\n:sync: linux\n\nRun *this*:\n\n```bash\nls\n```\n````\n\n"
            "```{automodule} structlog.stdlib\n:members:\n```\n")
    doc = parse("docs/a.md", text)
    assert [(block.language, block.code) for block in doc.code_blocks] == [("pycon", ">>> 1 + 1\n2"), ("bash", "ls")]
    assert [(link.target, link.text) for link in doc.links] == [("faqs", "faqs"), ("install", "Installing")]
    assert doc.text == "Run this:" and doc.generated_references == ("structlog.stdlib",)
    out = markdown_of(text)
    for raw in ("image", "contents", "toctree", "testsetup", ":align:", ":sync:", "logo.svg", "import structlog"):
        assert raw not in out, raw


def test_directives_nested_past_the_bound_are_prose_not_a_deeper_parse():
    depth = 40
    text = "".join("`" * (3 + depth - level) + "{tab-item} x\n" for level in range(depth)) + "inner\n" + \
        "".join("`" * (3 + level + 1) + "\n" for level in range(depth))
    doc = parse("docs/a.md", text)
    assert doc.text == "inner" and "{tab-item}" not in markdown_of(text)


def test_myst_comment_lines_are_not_prose():
    # attrs' names.md: "% {func} syntax does currently not work for `.. function` definitions."
    text = "# A\n\nWe recommend:\n\n% {func} syntax does currently not work here.\n\n- `define`\n\nIt is 50% faster.\n"
    doc = parse("docs/names.md", text)
    assert doc.text == "We recommend:\n\ndefine\n\nIt is 50% faster."
    assert "syntax does" not in markdown_of(text)
    assert parse("docs/a.md", "# A\n\n```\n% kept in code\n```\n").code_blocks[0].code == "% kept in code"


def test_code_directives_take_their_language_from_the_directive_or_its_argument():
    text = ("```{jupyter-execute}\nx = 1\n```\n\n```{prompt} bash\nls\n```\n\n```{code-block} python\ny\n```\n\n"
            "```{click:run}\ninvoke(hello)\n```\n")
    assert [(block.language, block.code) for block in parse("docs/a.md", text).code_blocks] == [
        ("python", "x = 1"), ("bash", "ls"), ("python", "y")]   # click:run prints at build time: not here


def test_each_tab_keeps_its_label_before_its_content():
    # Flask's installation page: sphinx-tabs' `group-tab` gave two command blocks with nothing
    # saying which one is for Windows; sphinx-design's `tab-item` is labelled the same way.
    text = ("Setup\n=====\n\nCreate a folder:\n\n.. tabs::\n\n   .. group-tab:: macOS/Linux\n\n"
            "      .. code-block:: sh\n\n         $ mkdir project\n\n   .. group-tab:: Windows\n\n"
            "      .. code-block:: bat\n\n         > mkdir project\n\n"
            ".. tab-set::\n\n   .. tab-item:: With pip\n\n      Run pip.\n")
    markdown = parse("docs/setup.rst", text).sections[0].markdown
    assert markdown == ("Create a folder:\n\nmacOS/Linux\n\n```sh\n$ mkdir project\n```\n\nWindows\n\n"
                        "```bat\n> mkdir project\n```\n\nWith pip\n\nRun pip.")
