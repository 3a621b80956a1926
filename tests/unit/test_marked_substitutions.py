"""An inline parser skips a substitution when the text holds none of its marks (shared/docs/builder.py's
`Marked`): that is only right if every match of the pattern holds one. Each Marked substitution of
the inline parsers is run here without its test, on text drawn from the pieces its patterns are made
of, and on the same text with its marks taken out, where it must find nothing."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from shared import linear_regex
from shared.docs import asciidoc_inline, builder, markdown_out, rst_inline
from shared.docs.builder import Marked, sub_each

PIECES = ["link:", "xref:", "http://", "https:", "ftp:", "mailto:", "<<", ">>", ",", "image:", "kbd:[", "btn:[",
          "pass:[", "menu:", "footnote:", "footnoteref:", "{a}", "{", "}", "[.r]", "[#i]", "[", "]", "(", ")", "*",
          "**", "_", "__", "#", "##", "+", "+++", "`", "``", "|", "|a|", "<", ">", "a_", "a", "b.adoc", "-", ":",
          ":doc:", ":ref:", "=", ".", "1.", "/", "\\", " ", "\n", "é", "\xa0"]
# Whole matches too, which the pieces alone seldom make.
WHOLE = ["http://a[b]", "https://x.org/p[]", "mailto:a@b[m]", "link:a[b]", "xref:b.adoc#x[B]", "image:i.png[Alt,5]",
         "menu:F[S]", "footnote:[n]", "kbd:[C]", "<<a,b>>", "*a*", "**b**", "_e_", "__f__", "#h#", "`c`", "+p+",
         "+++q+++", "[.r]#x#", "``l``", ":doc:`x`", ":py:func:`f`", "`t <u>`_", "`n`_", "w_", "|s|", " [1]_", "\\*"]
texts = st.lists(st.sampled_from(PIECES + WHOLE), max_size=40).map("".join)
SUBSTITUTIONS = [(module.__name__, name, value) for module in (asciidoc_inline, rst_inline)
                 for name, value in vars(module).items() if isinstance(value, Marked)]


def unmarked(substitution: Marked, text: str) -> str:
    """What the substitution's pattern does to `text`, asked whatever the text holds."""
    pattern = substitution.pattern
    if isinstance(pattern, linear_regex.Pattern):
        return sub_each(pattern, lambda match: "<replaced>", text)
    return pattern.sub(lambda match: "<replaced>", text)


def without(marks: tuple[str, ...], text: str) -> str:
    while any(mark in text for mark in marks):  # taking one out can join the pieces of another
        for mark in marks:
            text = text.replace(mark, "")
    return text


def test_the_inline_parsers_mark_their_substitutions():
    assert {name for module, name, _ in SUBSTITUTIONS if module == asciidoc_inline.__name__} >= {
        "_PASSTHROUGH", "_MONOSPACE", "_LINK_MACRO", "_URL_MACRO", "_XREF", "_CROSS_REFERENCE", "_IMAGE",
        "_UI_MACRO", "_MENU", "_FOOTNOTE", "_ATTRIBUTE_REFERENCE", "_ROLE", "_UNCONSTRAINED", "_CONSTRAINED"}


@settings(max_examples=400, deadline=None)
@given(texts)
def test_a_text_without_a_substitutions_marks_holds_no_match_of_it(text):
    for module, name, substitution in SUBSTITUTIONS:
        bare = without(substitution.marks, text)
        assert unmarked(substitution, bare) == bare, (module, name, bare)
        assert substitution.sub(lambda match: "<replaced>", text) == unmarked(substitution, text), (module, name)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_the_shared_helpers_skip_only_texts_their_patterns_cannot_match(text):
    bare = without(tuple(markdown_out._BLOCK_MARKS), text)
    assert not any(markdown_out._BLOCK_START.match(line) for line in bare.split("\n"))
    bare = without(tuple(builder._ENDS_WORD), text)
    assert builder._SPACE_BEFORE_PUNCTUATION.search(bare) is None
