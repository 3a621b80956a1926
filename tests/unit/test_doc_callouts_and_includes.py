"""Issue 19, construct by construct: callouts of every documentation family become a labelled
block quote in a section's Markdown (their body stays prose for the analysis), includes become a
note naming the file, inline code keeps its backticks and the blank before it, and the writer and
the export use what the parsers kept (one heading, links to the module holding a document)."""
from __future__ import annotations

import pytest

from services.modules.engine.engine import SourceDoc, write_module
from services.modules.export.export import CourseExport, html_files, markdown_files
from services.modules.export.markdown_render import render_markdown
from services.modules.models import ModuleSpec
from shared.docs.parsing import parse


def markdown_of(path: str, text: str) -> str:
    return "\n\n".join(section.markdown for section in parse(path, text).sections)


@pytest.mark.parametrize("path, text, label, body", [
    ("a.md", '!!! note "TL;DR"\n    The body of the note.\n', "Note — TL;DR", "The body of the note."),
    ("a.md", '???+ tip "Folded"\n    A collapsible tip.\n', "Tip — Folded", "A collapsible tip."),
    ("a.md", "!!! warning\n    No title here.\n", "Warning", "No title here."),
    ("a.mdx", ":::note Memory\nA Docusaurus note.\n:::\n", "Note — Memory", "A Docusaurus note."),
    ("a.md", ":::tip[Before you start]\nA bracketed title.\n:::\n", "Tip — Before you start", "A bracketed title."),
    ("a.md", "/// warning | Timeouts\nA pymdown block.\n///\n", "Warning — Timeouts", "A pymdown block."),
    ("a.md", '{% hint style="danger" %}\nA GitBook hint.\n{% endhint %}\n', "Danger", "A GitBook hint."),
    ("a.md", "> [!IMPORTANT]\n> A GitHub alert.\n", "Important", "A GitHub alert."),
    ("a.md", '<div class="admonition tip">\n<p class="admonition-title">Rendered</p>\n<p>An HTML one.</p>\n</div>\n',
     "Tip — Rendered", "An HTML one."),
    ("a.rst", ".. note:: A one-line rST note.\n", "Note", "A one-line rST note."),
    ("a.rst", ".. admonition:: Digest\n\n   A titled admonition.\n", "Note — Digest", "A titled admonition."),
    ("a.rst", ".. warning::\n\n   An rST warning.\n", "Warning", "An rST warning."),
    ("a.adoc", "NOTE: An AsciiDoc note.\n", "Note", "An AsciiDoc note."),
    ("a.adoc", ".Mocks\n[TIP]\n====\nAn AsciiDoc tip block.\n====\n", "Tip — Mocks", "An AsciiDoc tip block."),
])
def test_a_callout_is_a_labelled_block_quote_and_its_body_stays_prose(path, text, label, body):
    doc = parse(path, text)
    assert markdown_of(path, text) == f"> **{label}**\n>\n> {body}"
    assert doc.text == body


def test_a_callout_body_keeps_its_code_block_as_code_not_prose():
    doc = parse("a.md", '!!! example "Use"\n    Call it like this:\n\n    ```python\n    client.get("/")\n    ```\n\nAfter.\n')
    assert [block.code for block in doc.code_blocks] == ['client.get("/")']
    assert doc.text == "Call it like this:\n\nAfter."
    assert markdown_of("a.md", "!!! note\n    One.\n\n    Two.\nThree.\n") == "> **Note**\n>\n> One.\n>\n> Two.\n\nThree."


def test_admonition_markers_inside_code_are_code():
    doc = parse("a.md", "```text\n!!! note\n:::tip\n```\n")
    assert doc.code_blocks[0].code == "!!! note\n:::tip"
    assert "Note" not in markdown_of("a.md", "```text\n!!! note\n```\n")


@pytest.mark.parametrize("path, text, target", [
    ("a.md", '--8<-- "docs/snippets/install.md"\n', "docs/snippets/install.md"),
    ("a.md", "--8<--\ndocs/a.md\n--8<--\n", "docs/a.md"),
    ("a.md", '```python\n--8<-- "src/app.py"\n```\n', "src/app.py"),
    ("a.md", "{* ../../docs_src/tutorial001.py hl[3] *}\n", "../../docs_src/tutorial001.py"),
    ("a.md", '{% include "footer.md" %}\n', "footer.md"),
    ("a.rst", ".. include:: ../README.rst\n", "../README.rst"),
    ("a.rst", ".. literalinclude:: ../examples/auth.py\n   :language: python\n", "../examples/auth.py"),
    ("a.adoc", "include::partials/setup.adoc[]\n", "partials/setup.adoc"),
])
def test_an_include_is_a_note_naming_the_file_and_never_text_or_code(path, text, target):
    doc = parse(path, text)
    assert markdown_of(path, text) == f"*An included file (`{target}`) is not shown here; see the source.*"
    assert doc.text == "" and doc.code_blocks == ()


GENERATED_NOTE = ("*The reference of `{}` is generated from its code: see the project's built "
                  "documentation.*")


@pytest.mark.parametrize("path, text, target", [
    # mkdocstrings, its options indented below it (Starlette's pages, inside a collapsible callout)
    ("a.md", "::: starlette.applications.Starlette\n    options:\n        show_root_heading: true\n"
             "        filters:\n            - \"__init__\"\n", "starlette.applications.Starlette"),
    ("a.rst", ".. automodule:: werkzeug.middleware.lint\n", "werkzeug.middleware.lint"),
    ("a.rst", ".. autoclass:: Signer\n   :members:\n", "Signer"),
])
def test_a_reference_generated_from_code_is_a_note_naming_the_object(path, text, target):
    doc = parse(path, text)
    assert markdown_of(path, text) == GENERATED_NOTE.format(target)
    assert doc.text == "" and doc.code_blocks == () and doc.generated_references == (target,)


def test_generated_reference_options_go_and_the_prose_after_them_stays():
    text = ('??? abstract "API Reference"\n    ::: starlette.routing.Router\n        options:\n'
            '            heading_level: 3\n\nRouting maps paths to endpoints.\n\n:::note\nA Docusaurus note.\n:::\n')
    doc = parse("docs/routing.md", text)
    assert doc.text == "Routing maps paths to endpoints.\n\nA Docusaurus note."
    assert "heading_level" not in doc.sections[0].markdown and ":::" not in doc.sections[0].markdown
    assert doc.generated_references == ("starlette.routing.Router",)


@pytest.mark.parametrize("path, text", [
    ("a.md", "You can send requests using `.get()`, `.post()` today."),
    ("a.md", "You can send requests using <code>.get()</code>, <code>.post()</code> today."),
    ("a.rst", "You can send requests using ``.get()``, ``.post()`` today."),
    ("a.adoc", "You can send requests using `.get()`, `.post()` today."),
])
def test_inline_code_keeps_its_backticks_and_the_blank_before_it(path, text):
    doc = parse(path, text)
    assert doc.text == "You can send requests using .get(), .post() today."
    assert markdown_of(path, text) == "You can send requests using `.get()`, `.post()` today."


def test_emphasis_and_links_survive_in_the_markdown_and_raw_html_does_not():
    text = ("It is **fast**, *small* and [documented](https://example.org) [here][ref], "
            "![the flow](flow-diagram.png) <span>kept</span>.\n\n[ref]: guide.md\n")
    assert markdown_of("a.md", text) == ("It is **fast**, *small* and [documented](https://example.org) "
                                         "[here](guide.md), the flow kept.")
    assert markdown_of("a.rst", "It is **fast**, *small*, see `docs <https://x.org>`_ and :func:`run`.") == \
        "It is **fast**, *small*, see [docs](https://x.org) and `run`."


def _module(texts: dict[str, str], modules: list[list[str]]):
    sources = {path: SourceDoc(parse(path, text)) for path, text in texts.items()}
    specs = [ModuleSpec(module_id=f"m{n}", position=n, title=sources[paths[0]].display_title, documents=paths)
             for n, paths in enumerate(modules, start=1)]
    return CourseExport(title="C", modules=[(spec, write_module(spec, [sources[p] for p in spec.documents]))
                                            for spec in specs])


def test_text_before_a_first_heading_equal_to_the_title_is_one_section_not_the_heading_twice():
    course = _module({"docs/a.md": "!!! note\n    Read this first.\n\n# Quickstart\n\nInstall it with pip.\n"},
                     [["docs/a.md"]])
    content = course.modules[0][1]
    assert [section.title for section in content.sections] == ["Quickstart"]
    assert content.sections[0].body_markdown == "> **Note**\n>\n> Read this first.\n\nInstall it with pip."


def test_a_link_to_a_document_of_another_module_leads_to_that_module_in_markdown_and_site():
    course = _module({"docs/guide/a.md": "# A\n\nRead [the setup](../setup.md#install), [it all](../setup.md) "
                                         "and [elsewhere](other.md).\n",
                      "docs/setup.md": "# Setup\n\nChoose a machine.\n\n## Install\n\nInstall it with pip.\n"},
                     [["docs/guide/a.md"], ["docs/setup.md"]])
    page = markdown_files(course)["modules/01-a.md"]
    assert "Read [the setup](02-setup.md), [it all](02-setup.md) and elsewhere." in page
    # The site goes to the section: the one the link's fragment names, else the document's first.
    site = html_files(course)["modules/01-a.html"].decode()
    assert ('Read <a href="02-setup.html#topic-2">the setup</a>, <a href="02-setup.html#topic-1">it all</a> '
            'and elsewhere.') in site
    assert 'id="topic-2"><h3>Install</h3>' in html_files(course)["modules/02-setup.html"].decode()


def test_the_site_renders_a_labelled_quote_as_a_callout_and_other_quotes_plainly():
    assert render_markdown("> **Note — TL;DR**\n>\n> Body `x`.") == \
        '<blockquote class="callout"><p class="callout-label">Note — TL;DR</p><p>Body <code>x</code>.</p></blockquote>'
    assert render_markdown("> Just a **quote**.") == "<blockquote><p>Just a <strong>quote</strong>.</p></blockquote>"
