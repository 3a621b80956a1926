"""The course export: a Markdown folder, a static HTML site and a zip of both — navigable, every
relative link resolving inside the export, hostile content inert, and byte-for-byte reproducible."""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from shared.docs.parsing import parse
from services.modules.engine.engine import SourceDoc, write_module
from services.modules.export.export import CourseExport, build_zip, html_files, markdown_files
from services.modules.export.export_model import OFFLINE, slug
from services.modules.export.highlight import highlight
from services.modules.export.markdown_render import render_markdown
from services.modules.models import (Citation, CodeExample, ContentSection, ModuleContent, ModuleSpec,
                                   Question)

ARCHITECTURE = ("# Architecture\n\n## Brokers\n\nA broker is a server process that stores messages and "
                "serves them to clients.\n\n## Topics\n\n"
                "A topic is a named log of messages that producers append to.\n")
GETTING_STARTED = """# Getting started

## Installation

Install the package with pip:

```bash
pip install skyline
```

## Starting the broker

Run the server on a port of your choice.

```bash
skyline serve --port 7000
```

```python
import skyline  # the client library
client = skyline.connect("localhost:7000")
```
"""
MALICIOUS = """# Tricks

A payload is a string that an attacker hopes a page will run.
Look: <script>alert('x')</script> and <img src=x onerror=alert(1)> here.
[click](javascript:alert(1))

```html
<script>alert('x')</script>
```
"""
HOSTILE = "<script>alert('x')</script> <img src=x onerror=alert(1)>"
EXPORT_SAFE_SCHEMES = ("http:", "https:", "mailto:")
# File names come from titles: ASCII words joined by hyphens, cut after a whole word within 48
# characters ("…-onerror", not "…-onerror-a").
TRICKS_STEM = "02-tricks-script-alert-x-script-img-src-x-onerror"
HOSTILE_STEM = "03-hostile-script-alert-x-script-img-src-x-onerror"


def spec(position: int, title: str, documents: list[str]) -> ModuleSpec:
    return ModuleSpec(module_id=f"m{position}", position=position, title=title, documents=documents,
                      description=f"Module {position} of the Skyline course.", estimated_minutes=20)


def llm_written_module() -> ModuleContent:
    """What a careless or manipulated model could answer: raw HTML and dangerous links everywhere."""
    source = Citation(path="docs/evil.md", heading="Tricks", anchor="tricks")
    body = (f"Intro {HOSTILE}\n\n[click](javascript:alert(1)) [data](data:text/html,x) "
            "[repo](../../README.md) [web](https://example.com/docs) "
            "![pixel](https://tracker.example/p.png)\n\n"
            "<iframe src=https://evil.example></iframe>")
    return ModuleContent(
        title=f"Hostile {HOSTILE}", introduction=body, learning_objectives=[HOSTILE],
        sections=[ContentSection(title=HOSTILE, body_markdown=body, source=source)],
        code_examples=[CodeExample(language='js" onload="x', code=HOSTILE, caption=HOSTILE, source=source)],
        key_points=[body], conclusion=body, summary=body,
        assessment=[Question(kind="multiple_choice", prompt=HOSTILE, options=[HOSTILE, "b"], answer=HOSTILE,
                             explanation=HOSTILE, source=source)])


@pytest.fixture(scope="module")
def course() -> CourseExport:
    architecture = SourceDoc(parse("docs/architecture.md", ARCHITECTURE), title="Architecture",
                             key_concepts=["broker", "topic"])
    started = SourceDoc(parse("docs/getting-started.md", GETTING_STARTED), title="Getting started")
    evil = SourceDoc(parse("docs/evil.md", MALICIOUS), title=f"Tricks {HOSTILE}", key_concepts=[HOSTILE])
    first = spec(1, "Getting started", ["docs/getting-started.md", "docs/architecture.md"])
    second = spec(2, f"Tricks {HOSTILE}", ["docs/evil.md"])
    return CourseExport(
        title="Skyline from zero", description="A course made from Skyline's documentation.",
        pathway_title="Beginner pathway", pathway_description="Install, run, understand.",
        pathway_objectives=["Run a broker", "Explain topics"],
        modules=[(first, write_module(first, [architecture, started])),
                 (second, write_module(second, [evil])),
                 (spec(3, "Hostile", ["docs/evil.md"]), llm_written_module())])


@pytest.fixture(scope="module")
def exported(course) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(build_zip(course))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tags_of(page: bytes) -> list[tuple[str, dict[str, str | None]]]:
    """Start tags as a browser's parser sees them (text that merely looks like a tag is not one)."""
    found, parser = [], HTMLParser(convert_charrefs=True)
    parser.handle_starttag = lambda tag, attrs: found.append((tag, dict(attrs)))
    parser.feed(page.decode())
    return found


def markdown_links(text: str) -> list[str]:
    outside_code = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.findall(r"(?<!\\)\]\(([^)\s]*)\)", outside_code)


def resolves(files: dict[str, bytes], page: str, target: str) -> bool:
    path, _, fragment = target.partition("#")
    goal = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    if goal not in files:
        return False
    return not fragment or not goal.endswith(".html") or f'id="{fragment}"'.encode() in files[goal]


def test_the_zip_holds_the_markdown_folder_and_the_site_with_one_page_per_module(exported):
    names = set(exported)
    assert {"markdown/index.md", "site/index.html", "site/assets/style.css"} <= names
    assert {n for n in names if n.startswith("markdown/modules/")} == {
        "markdown/modules/01-getting-started.md", f"markdown/modules/{TRICKS_STEM}.md",
        f"markdown/modules/{HOSTILE_STEM}.md"}
    assert len([n for n in names if n.startswith("site/modules/") and n.endswith(".html")]) == 3
    assert not any(n.endswith(".js") for n in names)      # no script: answers fold with <details>


def test_every_relative_link_in_every_file_resolves_inside_the_export(exported):
    checked = 0
    for name, data in exported.items():
        if name.endswith(".md"):
            targets = markdown_links(data.decode())
        elif name.endswith(".html"):
            targets = [value for _, attrs in tags_of(data) for key, value in attrs.items()
                       if key in ("href", "src") and value is not None]
        else:
            continue
        for target in targets:
            assert not target.lower().startswith(("javascript:", "data:", "vbscript:")), (name, target)
            if not target.startswith(EXPORT_SAFE_SCHEMES):
                assert resolves(exported, name, target), (name, target)
                checked += 1
    assert checked > 30


def test_hostile_text_is_shown_escaped_and_never_becomes_markup(exported):
    pages = {name: data for name, data in exported.items() if name.endswith(".html")}
    for name, page in pages.items():
        for tag, attrs in tags_of(page):
            assert tag not in ("script", "img", "iframe", "object", "embed"), (name, tag)
            assert not [key for key in attrs if key.startswith("on")], (name, tag, attrs)
            assert not (attrs.get("href") or "").lower().startswith("javascript:")
            assert not (attrs.get("class") or "").count('"')
    for hostile in (f"site/modules/{TRICKS_STEM}.html",
                    f"site/modules/{HOSTILE_STEM}.html"):
        assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in pages[hostile]
        assert b"&lt;img src=x onerror=alert(1)&gt;" in pages[hostile]
    hostile_page = pages[f"site/modules/{HOSTILE_STEM}.html"].decode()
    assert '<a href="https://example.com/docs" rel="noopener noreferrer">web</a>' in hostile_page
    assert 'href="../../README.md"' not in hostile_page        # a link into the repository: text only
    assert "<em>pixel</em>" in hostile_page                     # an image: its alt text, no request
    assert "tracker.example" not in hostile_page and 'class="language-jsonloadx"' in hostile_page


def test_markdown_files_carry_no_raw_html_or_dangerous_links_from_content(exported):
    hostile = exported[f"markdown/modules/{HOSTILE_STEM}.md"].decode()
    outside_code = re.sub(r"^```.*?^```", "", hostile, flags=re.S | re.M)
    assert not re.search(r"(?<!\\)<(script|img|iframe)", outside_code)    # only escaped: \<script\>
    assert "\\<script\\>alert('x')\\</script\\>" in outside_code
    assert "](javascript:" not in hostile and "](data:" not in hostile and "tracker.example" not in hostile
    assert "[web](https://example.com/docs)" in hostile


def test_pages_forbid_scripts_and_load_nothing_from_elsewhere(exported):
    for name, page in exported.items():
        if not name.endswith(".html"):
            continue
        tags = tags_of(page)
        policy = next(attrs["content"] for tag, attrs in tags
                      if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
        assert policy.startswith("default-src 'self'; script-src 'none'")
        stylesheets = [a["href"] for t, a in tags if t == "link"]
        assert stylesheets == ["assets/style.css" if name == "site/index.html" else "../assets/style.css"]
        assert not [a for t, a in tags if "src" in a]
    css = exported["site/assets/style.css"].decode()
    assert "http" not in css and "@import" not in css and "url(" not in css
    assert "@media (max-width" in css and ".tok-kw" in css


def test_every_site_page_says_plainly_that_ask_the_course_needs_the_reader(exported):
    sentence = ("Ask the course is available in the coursegen reader; "
                "this static copy has no server to answer questions.")
    pages = [name for name in exported if name.startswith("site/") and name.endswith(".html")]
    assert len(pages) == 4
    for name in pages:
        footer = exported[name].decode().split('<footer class="site-footer">', 1)[1]
        assert f'<p class="no-ask">{sentence}</p>' in footer, name
        assert "<form" not in exported[name].decode(), name  # no panel: nothing could answer it


def test_the_index_lists_the_modules_and_each_page_links_to_its_neighbours(exported):
    index = exported["markdown/index.md"].decode()
    assert index.startswith("# Skyline from zero\n")
    assert "1. [Getting started](modules/01-getting-started.md)" in index
    assert "- Run a broker" in index and "## Pathway: Beginner pathway" in index
    first = exported["markdown/modules/01-getting-started.md"].decode()
    assert "[Course index](../index.md)" in first and "[Next: Tricks" in first and "Previous" not in first
    second = exported[f"site/modules/{TRICKS_STEM}.html"].decode()
    assert 'rel="prev" href="01-getting-started.html"' in second
    assert f'rel="next" href="{HOSTILE_STEM}.html"' in second
    assert 'aria-current="page"' in second


def test_a_long_courses_pages_list_the_modules_around_them_and_the_index_lists_all(course):
    # A full list of modules on each of thousands of pages would grow the site with the square
    # of its modules: a page lists a window around itself and links to the index, which has them all.
    from services.modules.export.static_site import SIDEBAR_MODULES

    (first_spec, first), *_ = course.modules

    def site(modules: int) -> dict[str, str]:
        many = replace(course, modules=[(spec(n, f"Topic {n}", first_spec.documents), first.model_copy(update={"title": f"Topic {n}"}))
                                        for n in range(1, modules + 1)])
        return {name: data.decode() for name, data in html_files(many).items()}

    small, large = site(SIDEBAR_MODULES), site(4 * SIDEBAR_MODULES)
    assert all(page.count('<li><a href="') == SIDEBAR_MODULES for name, page in small.items() if name.startswith("modules/"))
    assert large["index.html"].count('href="modules/') >= 4 * SIDEBAR_MODULES
    for number in (1, 2 * SIDEBAR_MODULES, 4 * SIDEBAR_MODULES):
        page = large[f"modules/{number:02d}-topic-{number}.html"]
        sidebar = page.split('<nav class="sidebar"', 1)[1].split("</nav>", 1)[0]
        listed = [int(n) for n in re.findall(r'href="(\d+)-topic-', sidebar)]
        assert len(listed) == SIDEBAR_MODULES and number in listed
        assert listed == list(range(listed[0], listed[0] + SIDEBAR_MODULES))
        assert f'<ol start="{listed[0]}">' in sidebar and 'href="../index.html"' in sidebar
    sizes = {n: sum(map(len, pages.values())) for n, pages in ((1, small), (4, large))}
    assert sizes[4] < 4.5 * sizes[1]  # grows with the modules, not their square


def test_a_module_file_shows_sources_code_key_points_and_folded_answers(exported):
    module = exported["markdown/modules/01-getting-started.md"].decode()
    assert ("### Installation\n\nInstall the package with pip:\n\n```bash\npip install skyline\n```\n\n"
            "Source: `docs/getting-started.md` — Installation") in module
    assert "**broker**: A broker is a server process" in module
    assert "<details>\n<summary>Answer</summary>" in module
    assert "From `docs/architecture.md`, section 'Brokers'" in module
    for heading in ("## Introduction", "## Learning objectives", "## Content", "## Key points",
                    "## Conclusion", "## Assessment", "## Summary"):
        assert heading in module
    page = exported["site/modules/01-getting-started.html"].decode()
    assert '<code class="language-bash">pip install skyline</code>' in page
    assert ('<span class="tok-kw">import</span> skyline  '
            '<span class="tok-com"># the client library</span>') in page
    assert "<details><summary>Show answer</summary>" in page


def test_the_same_course_always_exports_to_the_same_bytes(course, exported):
    assert build_zip(course) == build_zip(course)
    assert list(exported) == sorted(exported)
    with zipfile.ZipFile(io.BytesIO(build_zip(course))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert set(markdown_files(course)) == {n.removeprefix("markdown/") for n in exported
                                           if n.startswith("markdown/")}
    assert set(html_files(course)) == {n.removeprefix("site/") for n in exported if n.startswith("site/")}


def test_the_renderer_escapes_html_and_keeps_only_safe_links():
    html = render_markdown("# T\n\n<b>x</b> [a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](//evil.example) "
                           "[d](guide.md) [e](mailto:a@example.com) `<i>` **bold** *em*\n\n- one\n- two\n\n"
                           "```python\nx = '<s>'  # c\n```")
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'href="javascript' not in html.lower() and 'href="//evil' not in html
    assert '<a href="guide.md">d</a>' in html and '<a href="mailto:a@example.com">e</a>' in html
    assert "<code>&lt;i&gt;</code>" in html and "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html and html.startswith("<h1>T</h1>")
    assert '<span class="tok-str">&#x27;&lt;s&gt;&#x27;</span>' in html
    deep = render_markdown("> " * 3000 + "x\n\n" + "[" * 50_000)     # bounded recursion and regex work
    assert deep.count("<blockquote>") == 9 and "&gt; &gt;" in deep and "[[[" in deep


def test_the_highlighter_marks_tokens_per_language_and_only_escapes_unknown_ones():
    assert highlight("def f():\n    return 1  # one", "python") == (
        '<span class="tok-kw">def</span> f():\n    <span class="tok-kw">return</span> '
        '<span class="tok-num">1</span>  <span class="tok-com"># one</span>')
    assert highlight('echo "$HOME" # hi', "bash") == (
        'echo <span class="tok-str">&quot;$HOME&quot;</span> <span class="tok-com"># hi</span>')
    assert highlight('{"port": 7000, "tls": false}', "json") == (
        '{<span class="tok-key">&quot;port&quot;</span>: <span class="tok-num">7000</span>, '
        '<span class="tok-key">&quot;tls&quot;</span>: <span class="tok-kw">false</span>}')
    assert highlight("port: 7000 # default", "yaml") == (
        '<span class="tok-key">port</span>: <span class="tok-num">7000</span> '
        '<span class="tok-com"># default</span>')
    assert highlight("const s = `<a>`; // x", "typescript") == (
        '<span class="tok-kw">const</span> s = <span class="tok-str">`&lt;a&gt;`</span>; '
        '<span class="tok-com">// x</span>')
    assert highlight("<script>if</script>", "brainfuck") == "&lt;script&gt;if&lt;/script&gt;"


def test_the_export_says_which_engine_wrote_it(course):
    offline = markdown_files(replace(course, engine=OFFLINE))["index.md"]
    assert "*Written by coursegen's offline engine, without a model" in offline
    assert "A model would explain each module in its own words" in offline
    site = html_files(replace(course, engine="anthropic · claude-sonnet-4-5"))["index.html"].decode()
    assert '<p class="engine">Written with anthropic · claude-sonnet-4-5 from the repository' in site
    assert "Written" not in markdown_files(course)["index.md"]      # unknown: nothing claimed


def test_options_that_are_code_are_shown_as_code_in_markdown_and_the_site():
    source = Citation(path="docs/templates.rst", heading="Synopsis", anchor="synopsis")
    options = ['{% extends "layout.html" %}', "{{ foo.bar }}", "a `tick` <b>"]
    content = ModuleContent(
        title="Templates", introduction="Templates.", sections=[], summary="Templates.",
        assessment=[Question(kind="multiple_choice", prompt="Which line belongs to the synopsis?",
                             options=options, answer=options[0], options_are_code=True,
                             explanation="The synopsis shows it.", source=source)])
    export = CourseExport(title="Jinja", modules=[(spec(1, "Templates", ["docs/templates.rst"]), content)])
    module = markdown_files(export)["modules/01-templates.md"]
    assert '- A. `{% extends "layout.html" %}`\n- B. `{{ foo.bar }}`\n- C. ``a `tick` <b>``' in module
    assert '**Answer:** `{% extends "layout.html" %}`' in module
    page = html_files(export)["modules/01-templates.html"].decode()
    assert "<li><code>{% extends &quot;layout.html&quot; %}</code></li>" in page
    assert "<li><code>a `tick` &lt;b&gt;</code></li>" in page


def test_a_prompt_and_an_explanation_are_markdown_in_the_export_and_the_site_as_in_the_reader():
    # A model writes `code` in its questions; the offline engine quotes sentences with their code.
    source = Citation(path="docs/templates.rst", heading="Synopsis", anchor="synopsis")
    content = ModuleContent(
        title="Templates", introduction="Templates.", sections=[], summary="Templates.",
        assessment=[Question(kind="short_answer", prompt="What does the `{% extends %}` tag name? <b>x</b>",
                             answer="The parent template",
                             explanation="From `docs/templates.rst`: “The `{% extends %}` tag is the key.”",
                             source=source)])
    export = CourseExport(title="Jinja", modules=[(spec(1, "Templates", ["docs/templates.rst"]), content)])
    module = markdown_files(export)["modules/01-templates.md"]
    assert "**1. What does the `{% extends %}` tag name? \\<b>x\\</b>** (short answer)" in module
    assert "From `docs/templates.rst`: “The `{% extends %}` tag is the key.”" in module
    assert "<b>x</b>" not in module
    page = html_files(export)["modules/01-templates.html"].decode()
    assert '<p class="prompt">What does the <code>{% extends %}</code> tag name? &lt;b&gt;x&lt;/b&gt; ' in page
    assert "<code>docs/templates.rst</code>: “The <code>{% extends %}</code> tag is the key.”" in page
    assert "<b>x</b>" not in page


def test_a_long_title_is_cut_after_a_whole_word_and_not_after_a_joint():
    assert slug("Getting started: syntax, Third-Party extensions and usage") == \
        "getting-started-syntax-third-party-extensions"   # was "…-extensions-an"
    assert slug("Extensions: summary, third-party extension and behavior") == \
        "extensions-summary-third-party-extension"        # not "…-extension-and"
    assert slug("x" * 60) == "x" * 48                     # one word too long: cut anyway
