"""Stage 4 quotes sentences of a document's plain text (key points, a module's "why it matters",
its summary): quoted as the document's Markdown writes them, inline code and emphasis survive."""
from __future__ import annotations

import re

import pytest

from services.doc_analyser.engine.lexicon import sentences
from services.modules.engine import quoting
from services.modules.engine.quoting import MarkdownQuoter, quoted, quoted_sentences
from services.modules.markdown_text import code_spans
from shared.docs.markdown_out import escape_markdown
from shared.docs.parsing import parse
from tests.support.reading_order import books


def test_inline_code_and_emphasis_survive_the_quote():
    markdown = ("In this example, the `{% block %}` tags define four **blocks** that child templates "
                "can fill in. All the `block` tag does is mark them.")
    quoter = MarkdownQuoter(markdown)
    assert quoter.quote("In this example, the {% block %} tags define four blocks that child templates "
                        "can fill in.") == ("In this example, the `{% block %}` tags define four **blocks** "
                                            "that child templates can fill in.")
    assert quoter.quote("All the block tag does is mark them.") == "All the `block` tag does is mark them."


def test_a_link_keeps_its_label_and_escaped_characters_stay_escaped():
    markdown = "See [the *guide*](guide.md#top) before a \\* wildcard or \\[brackets\\] in snake_case_names."
    assert quoted("See the guide before a * wildcard or [brackets] in snake_case_names.", markdown) == (
        "See the *guide* before a \\* wildcard or \\[brackets\\] in snake_case_names.")


def test_emphasis_opening_or_closing_at_the_sentence_edge_comes_along_when_whole():
    assert quoted("Never share the key.", "*Never share the key.* It signs everything.") == (
        "*Never share the key.*")
    # half of an emphasis that spans two sentences: the quote goes without it
    assert quoted("Note this.", "**Note this. And that.** Done.") == "Note this."


def test_what_cannot_be_found_whole_is_escaped_as_before():
    assert quoted("Stage two wrote this *summary* itself.", "Unrelated text.") == escape_markdown(
        "Stage two wrote this *summary* itself.")
    # a sentence starting inside a code span is not a quote of it
    assert quoted("b c d.", "Use `a b c d.` here.") == escape_markdown("b c d.")
    assert quoted("Plain text.", "") == "Plain text."


def test_a_sentence_said_in_code_first_is_quoted_from_the_prose_after_it():
    # Starlette's middleware page: the list item "Middleware" came after a code block importing it
    markdown = "```python\nfrom starlette.middleware import Middleware\n```\n\n- Middleware\n- `Routing`"
    assert MarkdownQuoter(markdown).find("Middleware") == "Middleware"
    assert MarkdownQuoter(markdown).find("Routing") == "`Routing`"


def test_a_gist_sentence_is_quoted_from_the_one_section_holding_it():
    # more sections before it than quoters are kept: only the section that says it is read
    body = "".join(f"## Part {n}\n\nPart {n} says `x{n}` here.\n\n" for n in range(3 * quoting.MOST_QUOTERS_KEPT))
    document = parse("docs/long.md", f"# Long\n\n{body}## Last\n\nThe `end()` call closes it.\n")
    quoting._quoter.cache_clear()
    assert quoted_sentences(["The end() call closes it."], document.sections)[0] == "The `end()` call closes it."
    assert quoted_sentences(["Part 40 says x40 here."], document.sections)[0] == "Part 40 says `x40` here."
    assert quoting._quoter.cache_info().misses == 2
    assert quoted_sentences(["Said nowhere."], document.sections)[0] == "Said nowhere."
    assert quoting._quoter.cache_info().misses == 2
    # several sentences at once (a gist's): the same quotes, the same single quoter per section
    assert quoted_sentences(["Part 40 says x40 here.", "The end() call closes it.", "Said nowhere."],
                            document.sections) == ["Part 40 says `x40` here.", "The `end()` call closes it.",
                                                   "Said nowhere."]
    assert quoting._quoter.cache_info().misses == 2


def test_quotes_match_the_plain_text_the_parsers_give_across_formats():
    rst = parse("docs/t.rst", "Title\n=====\n\nCall ``app.run()`` with *debug* set, see :doc:`other`.\n")
    markdown = parse("docs/t.md", "# Title\n\nCall `app.run()` with _debug_ set, see [other](other.md).\n")
    for document in (rst, markdown):
        section = next(s for s in document.sections if s.text.strip())
        quote = quoted(" ".join(section.text.split()), section.markdown)
        assert "`app.run()`" in quote and "debug" in quote and "](" not in quote, quote


def test_unbalanced_backticks_in_a_long_text_are_read_as_text_in_one_pass():
    # every run a different length, none closed: all runs are found in one pass, none searched for
    markdown = " ".join("`" * (1 + i % 40) + "x" for i in range(20_000)) + " The end is here."
    assert quoted("The end is here.", markdown) == "The end is here."


def test_code_spans_are_found_as_commonmark_reads_them():
    def spans(text):
        return [text[start:end] for start, end in code_spans(text)]
    # a closing run has the opening's length exactly; a shorter run inside is content
    assert spans("a `b` c ``d ` e`` `f") == ["`b`", "``d ` e``"]
    # an escaped backtick opens nothing; an escaped backslash before one does not escape it
    assert spans("x \\`no` `yes`") == ["` `"]
    assert spans("x \\\\`yes`") == ["`yes`"]
    # backslashes inside a code span are code: the span still closes
    assert spans("`a\\` b") == ["`a\\`"]


def test_a_list_item_the_parser_ended_with_a_full_stop_is_still_quoted_with_its_code():
    # click's index page: "- supports lazy loading of `subcommands` at runtime" has plain text
    # ending in "." (so items read as sentences); the quote keeps the code and the full stop.
    document = parse("docs/index.md", "# Click\n\nIt:\n\n- is lazily composable\n"
                                      "- supports lazy loading of `subcommands` at runtime\n")
    section = next(s for s in document.sections if s.lists)
    item = section.lists[0][-1]
    assert item.endswith("at runtime.")
    assert quoted(item, section.markdown) == "supports lazy loading of `subcommands` at runtime."


MOST_UNQUOTED = 0.005  # of a book's sentences outside tables; each miss loses its inline code


@pytest.mark.parametrize("book", books(), ids=lambda path: path.name)
def test_the_sentences_of_real_documentation_are_found_in_their_markdown(book):
    # The quoter falls back to the escaped plain sentence where it cannot find it whole, silently:
    # this is the count. A miss is a parser whose plain text and Markdown disagree ("pip install."
    # for `pip install .`). Table rows are left out: their plain text is the cells joined.
    sentences_seen, unquoted = 0, []
    for path in sorted(p for p in (book / "docs").rglob("*") if p.is_file()):
        document = parse(str(path.relative_to(book)), path.read_text(encoding="utf-8", errors="replace"))
        for section in document.sections:
            if not section.markdown or re.search(r"^\| --- ", section.markdown, re.MULTILINE):
                continue
            quoter = MarkdownQuoter(section.markdown)
            for paragraph in section.text.split("\n\n"):
                for sentence in sentences(paragraph):
                    sentences_seen += 1
                    if quoter.find(sentence) is None:
                        unquoted.append((document.path, sentence))
    assert sentences_seen > 20
    assert len(unquoted) <= MOST_UNQUOTED * sentences_seen, unquoted
