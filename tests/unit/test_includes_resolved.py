"""Includes resolved from the repository's files (issue 19): pymdown snippets, FastAPI's `{* … *}`,
`{% include %}`, `.. include::`, `.. literalinclude::` and MyST's `{include}` fences show the
included text where they stand — Markdown and rST parsed in place, code as a code block of its
language and only the lines asked for — and an include that cannot be resolved (missing, a
cycle, too deep, too large, outside the repository) is the note it always was, never raw."""
from __future__ import annotations

import pytest

from shared.docs.includes import MAX_INCLUDED_BYTES, candidates, referenced_paths
from shared.docs.parsing import parse

APP = """from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    return {"message": "Hello World"}
"""
CLIENT = """import skyline


class Client:
    def __init__(self, url):
        self.url = url

    @property
    def connected(self):
        return True

    def get(self, path):
        # --8<-- [start:request]
        response = skyline.request("GET", self.url + path)
        # --8<-- [end:request]
        return response
"""
FILES = {
    "docs_src/first_steps/tutorial001.py": APP,
    "examples/client.py": CLIENT,
    "docs/snippets/install.md": "Install it with `pip install skyline`.\n\n!!! tip \"Virtual environments\"\n"
                                "    Use one per project.\n",
    "docs/snippets/abbreviations.md": "*[HTTP]: Hypertext Transfer Protocol\n",
    "docs/_shared/auth.rst": "Authentication\n--------------\n\nPass a *token*.\n\n.. note::\n\n   Tokens expire.\n",
    "README.md": "# Skyline\n\nSkyline draws skylines from **real** city data.\n",
}


def markdown_of(path: str, text: str, files: dict[str, str] = FILES) -> str:
    return "\n\n".join(s.markdown for s in parse(path, text, includes=files).sections if s.markdown)


def note(target: str) -> str:
    return f"*An included file (`{target}`) is not shown here; see the source.*"


# --- Markdown -------------------------------------------------------------------------------------

def test_a_pymdown_snippet_is_markdown_parsed_where_it_stands_relative_to_the_repository_root():
    doc = parse("docs/guide/install.md", '# Install\n\nFirst:\n\n--8<-- "docs/snippets/install.md"\n\nThen run it.\n',
                includes=FILES)
    assert doc.sections[0].markdown == ("First:\n\nInstall it with `pip install skyline`.\n\n"
                                        "> **Tip — Virtual environments**\n>\n> Use one per project.\n\nThen run it.")
    assert "--8<--" not in doc.text and "Install it with pip install skyline." in doc.text


def test_a_snippet_inside_a_code_block_becomes_the_blocks_code_and_takes_only_its_section_or_lines():
    text = ('# Requests\n\n```python\n--8<-- "examples/client.py:request"\n```\n\n'
            '```\n--8<-- "examples/client.py:1:1"\n```\n')
    doc = parse("docs/requests.md", text, includes=FILES)
    assert [(b.language, b.code) for b in doc.code_blocks] == [
        ("python", 'response = skyline.request("GET", self.url + path)'),
        ("python", "import skyline")]           # a block without a language takes its file's
    assert "8<" not in markdown_of("docs/requests.md", text)


def test_a_snippet_block_lists_several_files_each_included_in_turn():
    doc = parse("docs/a.md", "--8<--\nREADME.md\ndocs/snippets/missing.md\n--8<--\n", includes=FILES)
    assert [h.text for h in doc.headings] == ["Skyline"]
    assert doc.sections[-1].markdown.endswith("Skyline draws skylines from **real** city data.\n\n"
                                              + note("docs/snippets/missing.md"))


def test_fastapis_code_include_is_a_python_block_of_the_lines_asked_for_relative_to_the_docs_folder():
    text = "# First steps\n\n{* ../../docs_src/first_steps/tutorial001.py ln[3:8] hl[3] *}\n"
    doc = parse("docs/en/docs/tutorial/first-steps.md", text, includes=FILES)
    assert [(b.language, b.code) for b in doc.code_blocks] == [("python", "\n".join(APP.split("\n")[2:8]))]
    assert "{*" not in markdown_of("docs/en/docs/tutorial/first-steps.md", text)


def test_myst_include_and_literalinclude_fences_are_resolved_with_their_options():
    text = ("# Intro\n\n```{include} ../README.md\n```\n\n"
            "```{literalinclude} ../examples/client.py\n:language: python\n:pyobject: Client.get\n```\n")
    doc = parse("docs/intro.md", text, includes=FILES)
    assert "Skyline draws skylines from real city data." in doc.text
    assert doc.code_blocks[0].language == "python"
    assert doc.code_blocks[0].code.startswith("    def get(self, path):") and "return response" in doc.code_blocks[0].code
    assert "{include}" not in markdown_of("docs/intro.md", text) and "literalinclude" not in markdown_of("docs/intro.md", text)


def test_a_template_include_is_markdown_in_place():
    assert "Skyline draws skylines" in parse("docs/a.md", '{% include "../README.md" %}\n', includes=FILES).text


# --- reStructuredText -----------------------------------------------------------------------------

def test_literalinclude_is_code_of_its_language_with_lines_start_after_and_end_before():
    text = ("Client\n======\n\n.. literalinclude:: ../examples/client.py\n   :language: py\n   :lines: 1,4-6\n\n"
            ".. literalinclude:: ../examples/client.py\n   :start-after: [start:request]\n   :end-before: [end:request]\n"
            "   :dedent:\n\n.. literalinclude:: ../examples/client.py\n   :pyobject: Client.connected\n")
    doc = parse("docs/client.rst", text, includes=FILES)
    assert [(b.language, b.code) for b in doc.code_blocks] == [
        ("py", "import skyline\nclass Client:\n    def __init__(self, url):\n        self.url = url"),
        ("python", 'response = skyline.request("GET", self.url + path)'),
        ("python", "    @property\n    def connected(self):\n        return True")]


def test_include_is_restructuredtext_parsed_where_it_stands_and_literal_or_code_is_a_code_block():
    text = ("Guide\n=====\n\nBefore.\n\n.. include:: _shared/auth.rst\n\n"
            ".. include:: ../examples/client.py\n   :code: python\n   :end-line: 1\n\n"
            ".. include:: <isonum.txt>\n")
    doc = parse("docs/guide.rst", text, includes=FILES)
    assert [h.text for h in doc.headings] == ["Guide", "Authentication"]
    markdown = markdown_of("docs/guide.rst", text)
    assert "Pass a *token*." in markdown and "> **Note**\n>\n> Tokens expire." in markdown
    assert [(b.language, b.code) for b in doc.code_blocks] == [("python", "import skyline")]
    assert "include::" not in markdown and "isonum" not in markdown


def test_an_rst_include_of_a_markdown_file_is_markdown():
    doc = parse("docs/index.rst", "Home\n====\n\n.. include:: ../README.md\n", includes=FILES)
    assert "Skyline draws skylines from real city data." in doc.text and "#" not in doc.text


# --- unresolved and bounded -----------------------------------------------------------------------

@pytest.mark.parametrize("path, text, target", [
    ("docs/a.md", '--8<-- "docs/snippets/nowhere.md"\n', "docs/snippets/nowhere.md"),
    ("docs/a.md", '```python\n--8<-- "src/app.py"\n```\n', "src/app.py"),
    ("docs/a.md", '--8<-- "../../../etc/passwd"\n', "../../../etc/passwd"),
    ("docs/a.md", '--8<-- "https://example.com/snippet.md"\n', "https://example.com/snippet.md"),
    ("docs/a.rst", ".. literalinclude:: ../examples/client.py\n   :pyobject: Nowhere\n", "../examples/client.py"),
    ("docs/a.rst", ".. literalinclude:: ../examples/client.py\n   :start-after: no such marker\n",
     "../examples/client.py"),
])
def test_an_include_that_cannot_be_resolved_is_a_note_naming_it(path, text, target):
    doc = parse(path, text, includes={**FILES, "etc/passwd": "root:x:0:0"})
    assert markdown_of(path, text, {**FILES, "etc/passwd": "root:x:0:0"}) == note(target)
    assert doc.code_blocks == () and "root:x" not in doc.text


def test_a_path_never_leaves_the_repository():
    assert candidates("docs/a.md", "../../../etc/passwd") == []
    assert candidates("docs/a.md", "../../etc/passwd") == []
    assert candidates("docs/a.md", "../etc/passwd") == ["etc/passwd"]   # from docs/ up to the root, no further
    assert all(not c.startswith(("/", "..")) for c in candidates("docs/guide/a.rst", "/etc/passwd"))
    assert candidates("docs/a.md", "~/.ssh/id_rsa") == [] and candidates("docs/a.md", "") == []


def test_a_file_that_includes_itself_is_shown_once_and_the_cycle_is_a_note():
    files = {"docs/a.md": 'A text.\n\n--8<-- "docs/b.md"\n', "docs/b.md": 'B text.\n\n--8<-- "docs/a.md"\n'}
    markdown = markdown_of("docs/a.md", files["docs/a.md"], files)
    assert markdown == "A text.\n\nB text.\n\n" + note("docs/a.md")


def test_nesting_stops_after_three_levels():
    files = {f"docs/{n}.md": f"Level {n}.\n\n--8<-- \"docs/{n + 1}.md\"\n" for n in range(6)}
    markdown = markdown_of("docs/0.md", files["docs/0.md"], files)
    assert markdown == "Level 0.\n\nLevel 1.\n\nLevel 2.\n\nLevel 3.\n\n" + note("docs/4.md")


def test_the_included_text_of_one_document_is_capped():
    chunk = ("word " * 20 + "\n\n") * (MAX_INCLUDED_BYTES // 2 // 102)     # a bit under half the cap
    files = {f"docs/part{n}.md": f"Part {n}.\n\n{chunk}" for n in range(3)}
    text = "".join(f'--8<-- "docs/part{n}.md"\n\n' for n in range(3))
    doc = parse("docs/a.md", text, includes=files)
    assert "Part 0." in doc.text and "Part 1." in doc.text and "Part 2." not in doc.text
    assert doc.sections[-1].markdown.endswith(note("docs/part2.md"))


def test_without_the_repository_files_every_include_stays_a_note():
    assert markdown_of("docs/a.md", '--8<-- "README.md"\n', {}) == note("README.md")
    assert parse("docs/a.md", '--8<-- "README.md"\n').sections[0].markdown == note("README.md")


# --- markdown-include, mdBook, VitePress (issue 44): more of the include syntaxes in wide use ---------

MAIN_RS = """fn main() {
    // ANCHOR: setup
    let config = Config::load();
    // ANCHOR_END: setup
    run(config);
}
"""
SNIPPET_JS = """import { ref } from 'vue'
// #region counter
const count = ref(0)
function increment() {
  count.value++
}
// #endregion counter
export { increment }
"""
MORE_FILES = {**FILES, "src/main.rs": MAIN_RS, "docs/snippets/counter.js": SNIPPET_JS,
              "docs/parts/intro.md": "The **intro**, included.\n"}


def test_markdown_includes_curly_bang_form_shows_the_lines_asked_for_inside_a_code_block_and_markdown_outside():
    text = ('```Python hl_lines="3"\n{!./docs_src/first_steps/tutorial001.py[ln:1-3]!}\n```\n\n'
            "{! parts/intro.md !}\n\n```Python\n{!> ../docs_src/first_steps/tutorial001.py [ln:3]!}\n```\n")
    assert markdown_of("docs/tutorial.md", text, MORE_FILES) == (
        "```python\nfrom fastapi import FastAPI\n\napp = FastAPI()\n```\n\nThe **intro**, included.\n\n"
        "```python\napp = FastAPI()\n```")


def test_mdbook_includes_take_an_anchor_or_a_line_range_and_never_show_anchor_lines():
    text = ("```rust\n{{#include ../src/main.rs:setup}}\n```\n\n```rust\n{{#include ../src/main.rs::2}}\n```\n\n"
            "```rust\n{{#rustdoc_include ../src/main.rs:5}}\n```\n")
    assert markdown_of("book/chapter.md", text, MORE_FILES) == (
        "```rust\n    let config = Config::load();\n```\n\n```rust\nfn main() {\n```\n\n"
        "```rust\n    run(config);\n```")


def test_a_vitepress_code_import_is_a_code_block_of_its_region_in_the_language_it_names():
    text = "Count clicks:\n\n<<< @/snippets/counter.js#counter{2 ts}\n\nThen call it.\n"
    assert markdown_of("docs/guide/state.md", text, MORE_FILES) == (
        "Count clicks:\n\n```ts\nconst count = ref(0)\nfunction increment() {\n  count.value++\n}\n```\n\n"
        "Then call it.")
    whole = markdown_of("docs/guide/state.md", "<<< ../snippets/counter.js\n", MORE_FILES)
    assert whole.startswith("```javascript\nimport { ref } from 'vue'") and "#region" in whole


@pytest.mark.parametrize("path, text, target", [
    ("docs/a.md", "```python\n{!./docs_src/missing.py[ln:1-3]!}\n```\n", "./docs_src/missing.py"),
    ("book/a.md", "{{#include ../src/missing.rs}}\n", "../src/missing.rs"),
    ("book/a.md", "```rust\n{{#include ../src/main.rs:no_such_anchor}}\n```\n", "../src/main.rs"),
    ("docs/a.md", "<<< @/snippets/missing.js{1}\n", "snippets/missing.js"),
    ("docs/a.md", "<<< @/snippets/counter.js#nowhere\n", "snippets/counter.js"),
])
def test_an_unresolved_include_of_these_syntaxes_is_a_note_never_directive_text(path, text, target):
    markdown = markdown_of(path, text, MORE_FILES)
    assert note(target) in markdown
    assert not any(syntax in markdown for syntax in ("{!", "{{#", "<<<"))


def test_stage_one_packs_the_files_these_syntaxes_name():
    text = ("{!./docs_src/first_steps/tutorial001.py[ln:1-3]!}\n```rust\n{{#include ../src/main.rs:setup}}\n```\n"
            "<<< @/snippets/counter.js#counter{2}\n")
    found = referenced_paths("docs/guide/page.md", text)
    assert {"docs_src/first_steps/tutorial001.py", "src/main.rs", "docs/snippets/counter.js"} <= found


# --- hostile input: bounded work (not timed: before the bounds these took minutes or gigabytes) ----

def test_many_includes_of_one_file_stop_at_the_documents_allowance():
    files = {"docs/x.md": "Included words.\n"}
    doc = parse("docs/a.md", '--8<-- "docs/x.md"\n\n' * 50_000, includes=files)
    assert doc.text.count("Included words.") == MAX_INCLUDED_BYTES // len(files["docs/x.md"])
    assert doc.sections[-1].markdown.endswith(note("docs/x.md"))


def test_hostile_include_lines_and_files_are_read_in_linear_time():
    spaces = ".. include:: a" + " " * 200_000 + "b\n"
    assert referenced_paths("docs/a.rst", spaces) == set(candidates("docs/a.rst", "a"))
    dashes = "-" * 150_000 + " 8< \n" + "x = 1\n"
    doc = parse("docs/a.md", '```python\n--8<-- "docs/x.py:name"\n--8<-- "docs/x.py"\n```\n',
                includes={"docs/x.py": dashes})
    assert doc.code_blocks[0].code.startswith("-" * 1_000)
    many = "".join(f'--8<-- "docs/{n}.md"\n' for n in range(50_000))
    assert len(referenced_paths("docs/a.md", many)) <= 500 * 12
    ranges = ",".join(["1:100000"] * 5_000)
    doc = parse("docs/a.md", f'```\n--8<-- "docs/x.py:{ranges}"\n```\n', includes={"docs/x.py": "y = 2\n" * 100_000})
    assert len(doc.text) == 0 and sum(len(b.code) for b in doc.code_blocks) <= MAX_INCLUDED_BYTES


def test_hostile_lines_of_the_newer_include_syntaxes_are_read_in_linear_time():
    regions = "// #region x " + "y " * 100 + "\n"
    files = {"docs/x.js": regions * 20_000, "docs/y.rs": "// ANCHOR: a\n" * 50_000}
    doc = parse("docs/a.md", "<<< ./x.js#nowhere{" + "1," * 50_000 + " js}\n\n```rust\n{{#include y.rs:b}}\n```\n"
                "{!" + " " * 200_000 + "x.md[ln:" + "1-2," * 10_000 + "]!}\n", includes=files)
    assert doc.code_blocks == () and "#region" not in doc.text
    assert len(referenced_paths("docs/a.md", "{{#include " + "a" * 200_000 + "}}\n" * 2)) <= 12


# --- AsciiDoc: include:: expanded as Asciidoctor's preprocessor does --------------------------------

ADOC_FILES = {**FILES,
              "examples/app.py": "import os\n# tag::main[]\ndef main():\n    print(os.getcwd())\n# end::main[]\n\nmain()\n",
              "docs/partials/setup.adoc": "== Setup\n\nInstall the *tool*.\n\ninclude::nested.adoc[]\n",
              "docs/partials/nested.adoc": "Nested paragraph.\n"}


def test_an_asciidoc_include_in_a_listing_is_its_code_by_tag_or_lines_and_tag_lines_never_show():
    text = ("= Guide\n\n[source,python]\n----\ninclude::../examples/app.py[tag=main]\n----\n\n"
            "[source,python]\n----\ninclude::../examples/app.py[lines=1..2;7]\n----\n")
    assert markdown_of("docs/guide.adoc", text, ADOC_FILES) == (
        "```python\ndef main():\n    print(os.getcwd())\n```\n\n```python\nimport os\nmain()\n```")


def test_an_included_asciidoc_file_is_parsed_in_place_with_its_own_includes():
    doc = parse("docs/guide.adoc", "= Guide\n\nIntro.\n\ninclude::partials/setup.adoc[]\n", includes=ADOC_FILES)
    assert [s.heading.text for s in doc.sections] == ["Guide", "Setup"]
    assert doc.sections[1].markdown == "Install the **tool**.\n\nNested paragraph."


@pytest.mark.parametrize("text", ["[source,python]\n----\ninclude::../examples/missing.py[]\n----\n",
                                  "include::missing.adoc[leveloffset=+1]\n",
                                  "[source,python]\n----\ninclude::../examples/app.py[tag=nowhere]\n----\n"])
def test_an_asciidoc_include_that_cannot_be_resolved_is_a_note_even_inside_a_listing(text):
    markdown = markdown_of("docs/guide.adoc", "= Guide\n\n" + text, ADOC_FILES)
    target = text.split("include::", 1)[1].split("[", 1)[0]
    assert markdown == note(target) and "include::" not in markdown
    assert markdown_of("docs/guide.adoc", "= Guide\n\n" + text, {}) == note(target)
    assert target.lstrip("./") in " ".join(referenced_paths("docs/guide.adoc", text)) or \
        any(path.endswith(target.split("/")[-1]) for path in referenced_paths("docs/guide.adoc", text))


def test_a_docusaurus_raw_loader_import_shown_in_a_code_block_is_the_files_code():
    files = {**MORE_FILES, "src/theme/config.ts": "export const theme = 'dark'\n"}
    text = ("import CodeBlock from '@theme/CodeBlock';\n"
            "import Counter from '!!raw-loader!./snippets/counter.js';\n"
            "import Config from '!!raw-loader!@site/src/theme/config.ts';\n"
            "import Gone from '!!raw-loader!./snippets/gone.js';\n\n"
            "# State\n\nThe counter:\n\n<CodeBlock language=\"js\" title=\"counter.js\">{Counter}</CodeBlock>\n\n"
            "<CodeBlock>{Config}</CodeBlock>\n\n<CodeBlock language=\"js\">{Gone}</CodeBlock>\n")
    markdown = markdown_of("docs/state.mdx", text, files)
    assert markdown == ("The counter:\n\n```js\n" + SNIPPET_JS.rstrip("\n") + "\n```\n\n"
                        "```typescript\nexport const theme = 'dark'\n```\n\n" + note("./snippets/gone.js"))
    assert {"docs/snippets/counter.js", "src/theme/config.ts"} <= referenced_paths("docs/state.mdx", text)


def test_an_antora_resource_id_or_attribute_in_an_include_names_the_modules_folder():
    files = {"docs/modules/ROOT/examples/app.rb": "puts 'hello'\n",
             "docs/modules/admin/partials/setup.adoc": "Set it up.\n",
             "docs/modules/ROOT/partials/mysql-props.adoc": "MySQL properties.\n"}
    text = ("= Guide\n:context: mysql\n\n[source,ruby]\n----\ninclude::example$app.rb[]\n----\n\n"
            "include::admin:partial$setup.adoc[]\n\ninclude::{partialsdir}/{context}-props.adoc[leveloffset=+1]\n\n"
            "include::other-component:ROOT:example$app.rb[]\n\ninclude::{undefined}/x.adoc[]\n")
    page = "docs/modules/ROOT/pages/guide.adoc"
    assert markdown_of(page, text, files) == ("```ruby\nputs 'hello'\n```\n\nSet it up.\n\nMySQL properties.\n\n"
                                              + note("other-component:ROOT:example$app.rb") + "\n\n"
                                              + note("{undefined}/x.adoc"))
    assert set(files) <= referenced_paths(page, text)


def test_a_markdown_page_opening_with_module_imports_is_read_as_mdx_as_docusaurus_reads_it():
    # Docusaurus reads .md as MDX: its imports are no prose and its raw-loader code blocks resolve.
    text = ("---\ntitle: State\nsidebar_position: 3\n---\n\n"
            "import CodeBlock from '@theme/CodeBlock';\n"
            "import Counter from '!!raw-loader!./snippets/counter.js';\n\n"
            "# State\n\nThe counter:\n\n<CodeBlock language=\"js\">{Counter}</CodeBlock>\n")
    markdown = markdown_of("docs/state.md", text, MORE_FILES)
    assert markdown == "The counter:\n\n```js\n" + SNIPPET_JS.rstrip("\n") + "\n```"
    assert "import" not in markdown_of("docs/state.md", text, {})
    plain = "# Imports\n\nimport os is how a Python program starts using the module.\n"
    assert "import os is how" in markdown_of("docs/imports.md", plain, {})  # prose, not a module line
