"""No input freezes a service (issue 15): every parser and the glob matcher finish on generated
pathological input (long runs of one character, nested brackets and quotes, deep nesting, many
stars, `a@` repeats) with a sane result; each reported case gets its exact input back as a
regression test. Nothing here is timed: before the fixes these inputs took from seconds to hours,
so the suite completing quickly is the demonstration (the numbers are in `python -m bench parsers`).
Deep trees and deep JSON are a named limit or a bad document, and a document whose parsing never
ends is skipped with its reason while the others are parsed."""
from __future__ import annotations

import io
import json
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from services.repo_clone.git_progress import disk_usage
from services.repo_clone.navigation import MOST_SECTION_CHARS, navigation
from services.repo_clone.scanner import MAX_FOLDER_DEPTH, ScanLimitExceeded, scan
from services.repo_clone.workdir import remove_tree
from services.doc_analyser.engine.corpus_documents import split_by_position
from services.doc_analyser.engine.lexicon import sentences, tokens, without_urls, words
from shared.docs.front_matter import split_front_matter
from shared.docs.loading import load_documents
from shared.docs.model import ParsedDocument
from shared.docs.parse_worker import BudgetedParser, OverBudget
from shared.docs.parsing import parse
from services.modules.export.markdown_render import render_markdown
from shared.repos.globs import MAX_GLOB_CHARS, MAX_GLOBS, InvalidGlob, PathScope, compile_glob
from tests.support.glob_oracle import reference_regex
from tests.support.slow_parsing import STUCK
from tests.support.waiting import patient

EXTENSIONS = (".md", ".mdx", ".rst", ".adoc", ".ipynb", ".html", ".txt")
MARKUP = "#*_`~[](){}<>|!:=-+.'\"\\/@ \t\n"

# --- generated pathological input -------------------------------------------------------------

units = st.text(alphabet=MARKUP + "ab", min_size=1, max_size=3)
runs = st.builds(lambda prefix, unit, count, suffix: prefix + unit * count + suffix,
                 st.sampled_from(["", "# a", "= a", "[", "`", "**", "<a ", "a@", "---\ntitle:", ".. ",
                                  ":doc:`", "link:", "<<", "{", "| a |\n", "```\n", "> ",
                                  # issue 19: containers and includes, opened and never closed
                                  "!!! note\n", ":::tip\n", "/// tip\n", "{% hint %}\n", "--8<--\n", "{* ",
                                  '<div class="admonition note">\n', ".. note::\n", "NOTE: ", "> [!NOTE]\n"]),
                 units, st.integers(min_value=1_000, max_value=20_000),
                 st.sampled_from(["", "b", "#", "\n", "]", ")", ">", "`", "}", "\n---\n"]))
nested = st.builds(lambda opener, closer, depth, middle: opener * depth + middle + closer * depth,
                   st.sampled_from(["[", "(", "{", "<", "'", '"', "`", "*", "_", "<div>", "[a](", "> "]),
                   st.sampled_from(["]", ")", "}", ">", "'", '"', "`", "*", "_", "</div>", "", "\n"]),
                   st.integers(min_value=100, max_value=20_000), st.sampled_from(["", "a", "x y", "\n"]))
pathological = st.one_of(runs, nested)


def sane(document: ParsedDocument, path: str, text: str) -> None:
    assert isinstance(document, ParsedDocument) and document.path == path
    assert document.word_count >= 0 and len(document.title) <= 200
    assert all(len(h.text) <= 200 for h in document.headings)
    assert len(document.text) <= 2 * len(text) + 100  # markup removed, never multiplied
    assert "\x00" not in document.text  # no placeholder leaks


@settings(max_examples=40, deadline=None)
@given(pathological, st.sampled_from(EXTENSIONS))
def test_every_document_parser_finishes_on_pathological_input(text, extension):
    path = f"docs/page{extension}"
    sane(parse(path, text), path, text)


@settings(max_examples=40, deadline=None)
@given(pathological)
def test_front_matter_lexicon_and_renderer_finish_on_pathological_input(text):
    fields, body = split_front_matter(text)
    assert isinstance(fields, dict) and len(body) <= len(text)
    found = tokens(text)
    assert all(token and not token.isspace() for token in found)
    assert len(without_urls(text)) <= 3 * len(text) + 3
    assert all(piece.strip() for piece in sentences(text))
    html = render_markdown(text)
    assert "<script" not in html.lower() and isinstance(html, str)


@settings(max_examples=25, deadline=None)
@given(pathological, st.sampled_from([".md", ".rst"]))
def test_link_positions_finish_on_pathological_input(text, extension):
    document = parse(f"docs/page{extension}", text + "\n\n[a](a.md) :doc:`b`")
    leading, onward = split_by_position(document)
    assert sorted(leading + onward) == sorted({link.target for link in document.links})


def test_link_positions_of_five_thousand_links_are_one_pass():
    document = parse("docs/page.md", " ".join(f"[p{n}](p{n}.md)" for n in range(5_000)))
    leading, onward = split_by_position(document)
    assert len(leading) + len(onward) == 5_000 and leading[0] == "p0.md" and onward[-1] == "p4999.md"


@settings(max_examples=25, deadline=None)
@given(pathological)
def test_navigation_files_finish_on_pathological_input(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("nav")
    docs = {"SUMMARY.md", "docs/index.rst", "docs/a.md"}
    for name, content in {"SUMMARY.md": text + "\n- [A](docs/a.md)\n", "mkdocs.yml": "nav:\n" + text,
                          "docs/index.rst": ".. toctree::\n   :glob:\n\n   " + text + "\n   a\n",
                          "docs/a.md": "# A", "sidebars.js": text}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    found = navigation(root, docs)
    assert "docs/a.md" in found.order and set(found.order) <= docs  # the real link after the hostile text is kept
    assert all(0 < len(section) <= MOST_SECTION_CHARS for section in found.sections.values())


# --- globs ----------------------------------------------------------------------------------------

glob_parts = st.sampled_from(["a", "b", "/", "*", "**", "**/", "/**", "?", "[ab]", "[!a]", "[a-c]",
                              "[-a]", "[a-]", "[", "]", ".", "-"])
short_paths = st.text(alphabet="ab/.-[]", max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(glob_parts, max_size=7).map("".join), st.lists(short_paths, min_size=1, max_size=8))
def test_the_glob_matcher_agrees_with_the_reference_translation(pattern, paths):
    reference = reference_regex(pattern)
    if reference is None:
        with pytest.raises(InvalidGlob, match="invalid glob pattern"):
            compile_glob(pattern)
        return
    glob = compile_glob(pattern)
    assert [glob.matches(path) for path in paths] == [bool(reference.match(path)) for path in paths]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=60), st.sampled_from(["a", "ab", "a/", "[ab]", "?a", "**a"]),
       st.integers(min_value=1, max_value=4_000))
def test_many_stars_against_a_long_name_finish(stars, piece, length):
    pattern = ("*" + piece) * stars + "*b"
    if len(pattern) > MAX_GLOB_CHARS:
        with pytest.raises(InvalidGlob, match=f"longer than {MAX_GLOB_CHARS} characters"):
            compile_glob(pattern)
        return
    glob = compile_glob(pattern)
    assert glob.matches("a" * length) is False  # no `b` anywhere: never a match
    needed = {"a": stars, "[ab]": stars, "**a": stars, "?a": 2 * stars}.get(piece)  # `a`s before the b
    assert glob.matches("a" * length + "b") is (needed is not None and needed <= length)


def test_reported_glob_against_a_forty_character_name():
    """Took 51 s as a regular expression."""
    glob = compile_glob("*a*a*a*a*a*a*a*a*a*a*b")
    assert not glob.matches("a" * 40)
    assert glob.matches("a" * 40 + "b") and glob.matches("docs/" + "xa" * 10 + "b")


def test_pattern_length_and_count_are_bounded_with_a_clear_message():
    with pytest.raises(InvalidGlob, match="longer than 256 characters"):
        compile_glob("*" * (MAX_GLOB_CHARS + 1))
    with pytest.raises(InvalidGlob, match=f"at most {MAX_GLOBS} are allowed"):
        PathScope(include=[f"docs{i}" for i in range(MAX_GLOBS + 1)])


# --- the reported parser cases, exact inputs ------------------------------------------------------


def test_markdown_heading_with_twenty_thousand_spaces():
    """`_ATX` took 10 s."""
    document = parse("a.md", "# a" + " " * 20000 + "b")
    assert [h.text for h in document.headings] == ["a b"] and document.title == "a b"


def test_markdown_table_delimiter_with_a_long_blank_run():
    document = parse("a.md", "x | y\n" + " \t" * 20000 + "|\n\nz | w\n--- | ---\n1 | 2\n")
    assert "1, 2." in document.text and "x | y" in document.text


def test_front_matter_value_with_a_long_blank_run():
    fields, body = split_front_matter("---\ntitle:" + "\t" * 20000 + "x\ndescription: a # c\n---\nbody")
    assert fields == {"title": "x", "description": "a"} and body == "body"


def test_asciidoc_title_with_a_long_blank_run():
    document = parse("a.adoc", "= a" + " \t" * 20000 + "b")
    assert document.title.split() == ["a", "b"]


def test_lexicon_url_pattern_on_a_at_repeats():
    """`_URL` took 4 s (cubic) on 2,000 characters."""
    text = "a@" * 1000
    assert without_urls(text) == text  # no dot: not an address
    assert words(text) == ["a"] * 1000
    assert without_urls("write to ada@example.org today") == "write to  ,  today"


def test_renderer_on_long_backtick_and_blank_runs():
    assert render_markdown("x " + "`" * 20000) == "<p>x " + "`" * 20000 + "</p>"  # was cubic
    assert render_markdown("x ``a b`` y `c`") == "<p>x <code>a b</code> y <code>c</code></p>"
    assert render_markdown("# a" + " " * 20000 + "b") == "<h1>a" + " " * 20000 + "b</h1>"


def test_crafted_summary_keeps_the_real_links(tmp_path):
    """`_MARKDOWN_LINK` was quadratic: hours at 2 MB."""
    hostile = "[" * 300_000 + "[](" * 100_000 + "[x](y '" * 50_000
    (tmp_path / "SUMMARY.md").write_text(hostile + "\n- [Intro](intro.md)\n", encoding="utf-8")
    (tmp_path / "intro.md").write_text("# Intro", encoding="utf-8")
    assert navigation(tmp_path, {"SUMMARY.md", "intro.md"}).order == ["intro.md"]


def steps(function: Callable[[str], object], text: str) -> int:
    """The calls, Python and built-in, made while `function(text)` runs: its work, counted."""
    made = 0

    def count(frame, event, arg):
        nonlocal made
        made += event in ("call", "c_call")

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        function(text)
    finally:
        sys.setprofile(previous)
    return made


@pytest.mark.parametrize("unit", ["\\", "*a*", "_a_", "a\n", "\n", "> a\n", "- a\n", "`a\n", "# a\n",
                                  "| a |\n", "[](a)", "#[](a)\n"])
def test_renderer_and_summary_steps_grow_as_the_text(tmp_path, unit):
    """Four times the text, at most four times the steps (an escape, a span, a line, a link each
    cost a bounded number); a line holding nothing costs SUMMARY.md's reader none."""
    def summary(text: str) -> object:
        (tmp_path / "SUMMARY.md").write_text(text, encoding="utf-8")
        return navigation(tmp_path, {"SUMMARY.md", "a"})

    for read in (render_markdown, summary):
        small, large = (steps(read, unit * (count // len(unit))) for count in (4_000, 16_000))
        assert large <= 4.2 * small
    assert steps(summary, "\n" * 16_000) <= steps(summary, "\n" * 4_000) + 10


ORDINARY_PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "docs").rglob("*.md"))


@pytest.mark.parametrize("read, unit, most", [
    # A paragraph's each line was tried against five block patterns, and each lone backtick found
    # by a search of its own: 18.6 times an ordinary page's steps per character.
    (render_markdown, "`\n", 8), (render_markdown, "_\n", 8),
    # Between two tiny fences, four JSX patterns and a language split per block: 3.2 times, 2.3 once
    # fixed; 2.85 since an ordinary page's blanks are collapsed by str.split (fewer steps for it).
    (lambda text: parse("docs/page.mdx", text), "```\n\n", 3)])
def test_a_line_or_a_block_of_its_own_costs_a_bounded_number_of_steps(read, unit, most):
    """Steps per character: a text of one short shape repeated costs at most `most` times a real
    page's, and four times the text at most four times the steps."""
    ordinary = "\n\n".join(page.read_text(encoding="utf-8") for page in ORDINARY_PAGES)
    ordinary = (ordinary * (20_000 // len(ordinary) + 1))[:20_000]
    small, large = (steps(read, unit * (count // len(unit))) for count in (20_000, 80_000))
    assert large <= 4.2 * small
    assert small <= most * steps(read, ordinary)


# --- deep nesting ---------------------------------------------------------------------------------


def deep_folders(root: Path, depth: int) -> str:
    """`root/d/d/…/d/a.md`, `depth` folders deep; its folder path. One mkdir at a time: os.makedirs
    recurses once per level too."""
    folder = root
    folder.mkdir(exist_ok=True)
    for _ in range(depth):
        folder = folder / "d"
        folder.mkdir()
    (folder / "a.md").write_text("# deep", encoding="utf-8")
    return "/".join(["d"] * depth)


def test_a_notebook_of_nested_brackets_is_a_bad_document_not_an_exception(tmp_path):
    (tmp_path / "deep.ipynb").write_text("[" * 100_000, encoding="utf-8")
    (tmp_path / "ok.md").write_text("# ok", encoding="utf-8")
    files = {f.path: f for f in scan(tmp_path).files}
    assert files["deep.ipynb"].note == "not a valid notebook (JSON nested too deeply)"
    assert not files["deep.ipynb"].is_documentation and files["ok.md"].is_documentation
    assert parse("deep.ipynb", "[" * 100_000).format == "text"  # stage 2 falls back to plain text
    nested = json.dumps({"cells": [{"cell_type": "markdown", "source": "> " * 5000 + "deep"}]})
    assert "deep" in parse("n.ipynb", nested).text


def test_a_tree_a_thousand_folders_deep_is_a_named_limit(tmp_path):
    folder = tmp_path / "checkout"
    deep_folders(folder, 1000)
    with pytest.raises(ScanLimitExceeded) as caught:
        scan(folder)
    assert str(caught.value) == (f"the repository has folders nested more than {MAX_FOLDER_DEPTH} deep "
                                 f"(limit MAX_FOLDER_DEPTH={MAX_FOLDER_DEPTH})")
    assert disk_usage(folder) == len("# deep")  # measured while cloning: no RecursionError
    remove_tree(folder)  # the checkout clean-up (shutil.rmtree recursed once per level)
    assert not folder.exists()


def test_a_tree_within_the_depth_limit_is_scanned(tmp_path):
    relative = deep_folders(tmp_path, MAX_FOLDER_DEPTH - 1)
    assert [f.path for f in scan(tmp_path).files] == [f"{relative}/a.md"]


# --- the parse budget -----------------------------------------------------------------------------


def test_a_document_whose_parsing_never_ends_is_skipped_and_the_next_is_parsed():
    # A budget an ordinary document keeps on a loaded machine too; the stuck one never ends.
    budget = patient(1.0)
    with BudgetedParser(budget, parser="tests.support.slow_parsing:parse") as parser:
        assert parser.parse("a.md", "# First").title == "First"
        with pytest.raises(OverBudget, match=rf"parsing took longer than the {budget:g} s a document may take"):
            parser.parse("stuck.md", f"# Stuck\n{STUCK}")
        assert parser.parse("b.md", "# Second").title == "Second"  # a fresh child


def test_documents_over_the_budget_are_listed_with_the_reason(tmp_path):
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        for name, content in {"a.md": b"# A", "b.md": b"# B"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    documents, problems = load_documents(archive.getvalue(), ["a.md", "b.md"], {}, 1000,
                                         parse_budget_seconds=1e-9)
    assert documents == {}
    assert set(problems) == {"a.md", "b.md"}
    assert all("longer than the 1e-09 s a document may take" in reason for reason in problems.values())
    documents, problems = load_documents(archive.getvalue(), ["a.md", "b.md"], {}, 1000)
    assert problems == {} and documents["b.md"].parsed.title == "B"
