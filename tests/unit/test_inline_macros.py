"""AsciiDoc's `name:target[label]` macros are found in one pass (shared/docs/inline_macros.py) with
the same matches as the regular expression they replaced, which retried the target's bound at
every prefix of `link:link:…`: the expression is the oracle here, over text drawn from the pieces
macros are made of, with small bounds so that targets too long and too short are common."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from shared.docs.asciidoc_inline import asciidoc_inline_to_markdown, asciidoc_inline_to_text
from shared.docs.inline_macros import Found, InlineMacro

PIECES = ["link:", "xref:", "https:", "http://", "mailto:", "image:", "[", "]", "[x]", "[]", " ", "\n",
          "a", "b.adoc", "-", ",", ":", "/", "alink:", "_"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
# (prefix, target characters, tail) of the macros asciidoc_inline.py declares, as they were written
SHAPES = [(r"\blink:", r"^\s\[", r"\[([^\[\]]{0,6}+)\]"),
          (r"\b(?:https?|ftp|mailto):", r"^\s\[\]", r"\[([^\[\]]{0,6}+)\]"),
          (r"\bimage:", r"^\s\[", r"\[([^\[\],]{0,3}+)[^\[\]]{0,5}+\]")]


def as_expression(prefix: str, target_chars: str, tail: str, shortest: int, longest: int) -> re.Pattern:
    return re.compile(f"({prefix}([{target_chars}]{{{shortest},{longest}}}+))(?={tail})")


def rendered(head: str, target: str, label: str) -> str:
    return f"<{head}|{target}|{label}>"


@settings(max_examples=600, deadline=None)
@given(texts, st.sampled_from(SHAPES), st.integers(0, 2), st.integers(1, 12))
def test_the_same_replacements_as_the_regular_expression(text, shape, shortest, extra):
    prefix, target_chars, tail = shape
    longest = shortest + extra
    macro = InlineMacro(prefix, target_chars, tail, shortest, longest)
    tail_at = re.compile(tail)

    def by_expression(match: re.Match) -> str:
        return rendered(match[1], match[2], tail_at.match(text, match.end())[1])

    expected, copied, position = [], 0, 0
    oracle = as_expression(prefix, target_chars, tail, shortest, longest)
    while (match := oracle.search(text, position)) is not None:
        after = tail_at.match(text, match.end())
        expected += [text[copied:match.start()], by_expression(match)]
        copied = position = after.end()
    expected.append(text[copied:])
    assert macro.sub(lambda found: rendered(found.head, found.target, found.tail[1]), text) == "".join(expected)


def test_a_target_longer_than_its_bound_is_no_macro_but_a_later_prefix_in_it_can_be():
    macro = InlineMacro(r"\blink:", r"^\s\[", r"\[([^\[\]]*)\]", 1, 4)
    assert macro.sub(lambda f: f"<{f.target}>", "link:abcdef[x]") == "link:abcdef[x]"
    assert macro.sub(lambda f: f"<{f.target}>", "link:abc/link:de[x] link:f[]") == "link:abc/<de> <f>"
    assert macro.sub(lambda f: f"<{f.target}>", "alink:b[x]") == "alink:b[x]"  # no word boundary


def test_found_holds_the_prefix_with_the_target_and_the_bracketed_part():
    macro = InlineMacro(r"\bhttps?:", r"^\s\[\]", r"\[([^\[\]]*)\]", 1, 100)
    seen: list[Found] = []
    macro.sub(lambda found: seen.append(found) or "", "see https://example.org/a[the site] now")
    assert [(f.head, f.target, f.tail[1]) for f in seen] == [("https://example.org/a", "//example.org/a", "the site")]


def test_asciidoc_links_as_before():
    text = "Read link:guide.adoc[the guide], https://example.org[a site], xref:b.adoc#x[B], image:i.png[Alt,50] " \
           "and menu:File[Save]."
    plain, links = asciidoc_inline_to_text(text, {})
    assert plain == "Read the guide, a site, B,  Alt  and File > Save."
    assert links == [("b.adoc#x", "B"), ("guide.adoc", "the guide"), ("https://example.org", "a site")]
    assert asciidoc_inline_to_markdown(text, {}) == (
        "Read [the guide](guide.adoc), [a site](https://example.org), [B](b.adoc#x),  Alt  and File \\> Save.")


def test_a_run_of_prefixes_without_a_bracket_is_left_as_text():
    text = "link:" * 20_000
    assert asciidoc_inline_to_text(text, {}) == (text, [])


def test_an_empty_passthrough_is_nothing_and_the_document_keeps_its_structure():
    # `++++++` is a triple-plus passthrough of nothing: it once raised, and the whole document
    # fell back to plain text (its sections and markup lost).
    from shared.docs.parsing import parse

    assert asciidoc_inline_to_text("a ++++++ b", {}) == ("a  b", [])
    assert asciidoc_inline_to_markdown("a ++++++ b", {}) == "a  b"
    document = parse("guide.adoc", "= Guide\n\n== Part\n\nText a ++++++ b and *bold*.\n")
    assert document.sections[-1].heading is not None and document.sections[-1].heading.text == "Part"
    assert document.sections[-1].markdown == "Text a b and **bold**."
