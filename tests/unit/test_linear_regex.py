"""shared/linear_regex.py: Python's pattern syntax and Unicode classes, matched by RE2 — the same
answers as `re` where both can match, a refusal where only backtracking could."""
from __future__ import annotations

import re
import sys
from collections.abc import Callable

import pytest

from shared import linear_regex

SAME_AS_RE = [
    (r"\w+", "héllo wörld çà 12 ٣ 中文"),
    (r"\d+", "a ٣4 b 10"),
    (r"\s+", "a\u00a0b\u2003c\x1cd\n\te"),
    (r"\S+|\W+|\D+", "ab, cd ٣"),
    (r"(?P<letter>\w)(\d)?", "x1 y é2"),
    (r"^a.*$", "ab cd"),
    (r"^\w+$", "ab\ncd"),
    (r"[^\s@]+@\w+", "x y@z w@é"),
    (r"a{,3}", "aaaaa"),
    (r"a{2}b{1,}", "aaabbb"),
    (r"\bcat\b", "a cat. cats"),
    (r"[\w-]+", "é-a b"),
    (r"x*", "axxb"),
    (r"", "abc"),
    (r"(a)|(b)", "ab"),
    (r"\{x\}", "{x}"),
    (r"[]a]+", "]a]"),
    (r"\u00e9+", "éé"),
    (r"a(?#a comment)b", "ab"),
    (r"(?i)straße", "STRASSE Straße"),
    (r"\s*+,", "a  , b"),
    (r"(?:ab)++", "ababab"),
    (r"\Aab\Z", "ab"),
]


@pytest.mark.parametrize("pattern, text", SAME_AS_RE)
def test_matches_are_those_of_re(pattern, text):
    expected = [(m.span(), m.groups(), m.groupdict()) for m in re.finditer(pattern, text)]
    found = [(m.span(), m.groups(), m.groupdict()) for m in linear_regex.finditer(pattern, text)]
    assert found == expected


@pytest.mark.parametrize("pattern, text", SAME_AS_RE)
def test_findall_is_that_of_re(pattern, text):
    assert linear_regex.findall(pattern, text) == re.findall(pattern, text)
    if any(anchor in pattern for anchor in ("^", "$", "\\A", "\\Z", "\\b", "\\B")):
        return  # an anchor inside a window is where the two engines are not asked to agree
    for pos, endpos in ((1, len(text)), (0, len(text) - 1), (1, len(text) - 1), (2, 1), (0, 10**6)):
        assert linear_regex.compile(pattern).findall(text, pos, endpos) == re.compile(pattern).findall(text, pos, endpos)


@pytest.mark.parametrize("flag", [linear_regex.IGNORECASE, linear_regex.MULTILINE, linear_regex.DOTALL])
def test_flags_mean_what_they_mean_in_re(flag):
    text = "Ab\nab\nAB"
    pattern = r"^ab.$|a.a"
    assert linear_regex.findall(pattern, text, flag) == re.findall(pattern, text, int(flag))


def test_sub_split_and_templates_are_those_of_re():
    assert linear_regex.sub(r"(\w)(\d)", r"\2\g<1>-\n", "a1 é2") == re.sub(r"(\w)(\d)", r"\2\g<1>-\n", "a1 é2")
    assert linear_regex.sub(r"(?P<w>\w+)", r"<\g<w>>", "ab cd", count=1) == "<ab> cd"
    assert linear_regex.subn(r"\d", lambda m: str(int(m[0]) + 1), "a1b2") == ("a2b3", 2)
    assert linear_regex.split(r"(,)\s*", "a, b,c") == re.split(r"(,)\s*", "a, b,c")
    assert linear_regex.split(r",", "a,b,c", maxsplit=1) == ["a", "b,c"]


def test_match_objects_answer_like_re_s():
    m = linear_regex.search(r"(?P<key>\w+)=(?P<value>\d+)?", "é x=")
    assert m is not None
    assert (m.start("key"), m.end(), m.span(2)) == (2, 4, (-1, -1))
    assert m.group("key", "value") == ("x", None) and m.groups("?") == ("x", "?")
    assert m.lastgroup == "key" and m.lastindex == 1 and m.string == "é x="
    assert linear_regex.match(r"b", "ab") is None and linear_regex.match(r"b", "ab", 0) is None
    assert linear_regex.compile(r"b").match("ab", 1) is not None
    assert linear_regex.fullmatch(r"\w+", "héllo") is not None


def test_escape_quotes_like_re():
    text = "a.b c\n-#(x)*[y]{z}"
    assert linear_regex.escape(text) == re.escape(text)
    assert linear_regex.search(linear_regex.escape(text), "__" + text).span() == (2, 2 + len(text))


@pytest.mark.parametrize("pattern, named", [
    (r"(?<=a)b", "look-around"),
    (r"a(?!b)", "look-around"),
    (r"(a)\1", "back-reference"),
    (r"(?P<x>a)(?P=x)", "back-reference"),
    (r"(?>a+)", "atomic"),
    (r"[\S]", r"\S inside a character class"),
])
def test_what_needs_backtracking_is_refused_naming_it(pattern, named):
    with pytest.raises(linear_regex.UnsupportedPattern, match=re.escape(named)):
        linear_regex.compile(pattern)


def test_a_scan_with_search_from_a_position_stays_linear_on_non_ascii_text():
    # Each search(text, pos) must not encode the text or count characters from its start again:
    # the answer must be right whatever the position.
    text = "é" * 3000 + "a" * 3000
    positions = []
    pos = 0
    pattern = linear_regex.compile(r"a{100}")
    while (m := pattern.search(text, pos)) is not None:
        positions.append(m.start())
        pos = m.end()
    assert positions == list(range(3000, 6000, 100))
    assert pattern.search(text, 10, 3050) is None and pattern.search(text, 10, 3100).span() == (3000, 3100)


def characters_encoded(scan: Callable[[str], object], text: str) -> int:
    """Characters handed to `str.encode` while `scan(text)` runs: RE2 reads bytes, so this is the
    work of giving it the text, which no count of matches shows."""
    encoded = 0

    def count(frame, event, arg):
        nonlocal encoded
        if event == "c_call" and getattr(arg, "__name__", "") == "encode" and isinstance(arg.__self__, str):
            encoded += len(arg.__self__)

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        scan(text)
    finally:
        sys.setprofile(previous)
    return encoded


@pytest.mark.parametrize("letter", ["a", "é"])
def test_a_scan_with_search_from_a_position_encodes_its_text_once(letter):
    # A scanner calls search(text, pos) once per span: encoding the whole text at each call would
    # make its pass quadratic in the text however few steps it counts.
    pattern = linear_regex.compile(r"b")

    def scan(text: str) -> int:
        found, pos = 0, 0
        while (m := pattern.search(text, pos)) is not None:
            found, pos = found + 1, m.end()
        return found

    small, large = (letter + "b") * 5_000, (letter + "b") * 20_000
    assert scan(large) == 20_000
    assert characters_encoded(scan, large) <= 4.5 * characters_encoded(scan, small)
    assert characters_encoded(scan, large) <= 2 * len(large)


def test_every_compiled_pattern_is_remembered_for_the_fuzz_test():
    linear_regex.compile(r"remembered[0-9]")
    assert (r"remembered[0-9]", 0) in linear_regex.known_patterns()


def test_searching_texts_in_turn_and_going_back_gives_the_right_offsets():
    first, second = "é" * 50 + "ab" + "ü" * 50 + "ab", "中" * 10 + "ab"
    pattern = linear_regex.compile(r"ab")
    assert pattern.search(first, 60).span() == (102, 104)
    assert pattern.search(second).span() == (10, 12)
    assert pattern.search(first, 10).span() == (50, 52)  # behind the last search of this text
    assert [m.start() for m in pattern.finditer(first)] == [50, 102]
    assert linear_regex.sub(r"(ab)", lambda m: pattern.sub("x", second[-2:]) + m[1], first).count("xab") == 2
