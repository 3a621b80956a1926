"""HTML found inside documentation. Tags are dropped and their text kept, except the contents of
<script>, <style> and comments, which are never text a learner should read (and a favourite place
for hostile content). Written with `str.find` loops so a huge or unterminated input stays linear."""
from __future__ import annotations

import html

from shared import linear_regex

_LONGEST_CODE_SPAN = 200
# The element's name must end there (not `<scripts>`): the character after it, when there is one,
# is read too, so the opener ends with group 1.
_OPENERS = linear_regex.compile(r"<(?:(script|style|textarea|template)(?:\W|$)|!--)", linear_regex.IGNORECASE)
_TAG = linear_regex.compile(r"</?[A-Za-z][A-Za-z0-9:-]{0,40}(?:\s[^<>]{0,2000})?/?>")
# An anchor's opening tag; its text runs to the first `</a>` (_anchor_text).
_ANCHOR = linear_regex.compile(r"<a\s[^<>]{0,1000}?href\s*=\s*[\"']([^\"'<>]{1,2000})[\"'][^<>]{0,1000}>",
                               linear_regex.IGNORECASE)
_ANCHOR_CLOSE = linear_regex.compile(r"</a\s*>", linear_regex.IGNORECASE)
_LONGEST_ANCHOR_TEXT_PART = 500     # between two tags of an anchor's text
_MOST_ANCHOR_TEXT_TAGS = 5
_IMAGE_ALT = linear_regex.compile(r"<img\s[^<>]{0,2000}?alt\s*=\s*[\"']([^\"'<>]{0,300})[\"'][^<>]{0,2000}>",
                                  linear_regex.IGNORECASE)
# The dark-mode twin of an image (MkDocs Material's `#only-dark`, GitHub's `#gh-dark-mode-only`):
# the light one already says what it shows. Not followed by a letter, digit or `_` (`\W` is
# Unicode, as `re`'s `\b` was; the engine's `\b` is ASCII).
DARK_MODE_TWIN = linear_regex.compile(r"#(?:only-dark|gh-dark-mode-only)(?:\W|$)", linear_regex.IGNORECASE)
# `src` not inside a longer name (`data-src` is one): group 1 is the character before, if any.
_SOURCE = linear_regex.compile(r"(^|\W)src\s*=\s*[\"']([^\"'<>]{0,2000})[\"']", linear_regex.IGNORECASE)
_NOT_ALPHANUMERIC = linear_regex.compile(r"[^a-z0-9]+")
# The closing tag must have the opening one's level: heading_element.
_HEADING = linear_regex.compile(r"^\s*<h([1-6])(?:[^\w<>][^<>]{0,499})?>(.{0,500}?)</h([1-6])\s*>\s*$",
                                linear_regex.IGNORECASE)


def strip_raw_html(text: str, unclosed_runs_to_end: bool = True) -> str:
    """Remove <script>/<style>/<textarea>/<template> elements and comments, contents included.
    An element that is never closed runs to the end of the text, as a browser would read it
    (unless `unclosed_runs_to_end` is False: plain text that merely mentions "<script>").
    A `<script>` written inside inline code (odd number of backticks before it on its line) is
    prose about HTML, not HTML, and is kept."""
    lowered = text.lower()
    kept: list[str] = []
    position = 0
    unclosed: set[str] = set()  # kinds with no closer left: never search for one again
    while True:
        match = _OPENERS.search(lowered, position)
        if match is None:
            kept.append(text[position:])
            return "".join(kept)
        kind = match.group(1) or "!--"
        opened = match.end(1) if match.group(1) else match.end()
        # Look back a bounded distance only: an inline code span is short, and an unbounded
        # look-back would make a megabyte-long line quadratic.
        window = max(0, match.start() - _LONGEST_CODE_SPAN)
        line_start = lowered.rfind("\n", window, match.start()) + 1 or window
        if lowered.count("`", line_start, match.start()) % 2 == 1:
            kept.append(text[position:opened])
            position = opened
            continue
        end = None if kind in unclosed else _end_of_raw_element(lowered, kind, opened)
        if end is None:
            unclosed.add(kind)
        if end is None and not unclosed_runs_to_end:
            kept.append(text[position:opened])
            position = opened
            continue
        kept.append(text[position:match.start()])
        position = len(lowered) if end is None else end


def is_word(char: str) -> bool:
    """A letter, a digit or `_`, in any script (`\\w` as Python's patterns read it)."""
    return char.isalnum() or char == "_"


def _end_of_raw_element(lowered: str, kind: str, opened: int) -> int | None:
    """Where the element of `kind` whose opener ends at `opened` ends; None when it is never closed."""
    if kind == "!--":
        end = lowered.find("-->", opened)
        return None if end < 0 else end + 3
    closer = lowered.find(f"</{kind}", opened)
    end = lowered.find(">", closer) if closer >= 0 else -1
    return None if end < 0 else end + 1


def html_links(text: str) -> tuple[str, list[tuple[str, str]]]:
    """`<a href="x">text</a>` → text, remembering the link; `<img alt="…">` → its alt text."""
    links: list[tuple[str, str]] = []

    if "<" not in text:
        return text, links
    def image(match: linear_regex.Match) -> str:
        source = _SOURCE.search(match.group(0))
        if DARK_MODE_TWIN.search(match.group(0)) or alt_repeats_file_name(match.group(1), source.group(2) if source else None):
            return ""
        return f" {match.group(1)} "

    pieces: list[str] = []
    done = position = 0
    while (opening := _ANCHOR.search(text, position)) is not None:
        ends = _anchor_text(text, opening.end())
        if ends is None:
            position = opening.start() + 1
            continue
        text_end, end = ends
        label = strip_tags(text[opening.end():text_end])
        links.append((html.unescape(opening.group(1)), label))
        pieces.append(f"{text[done:opening.start()]} {label} ")
        done = position = end
    pieces.append(text[done:])
    return _IMAGE_ALT.sub(image, "".join(pieces)), links


def _anchor_text(text: str, start: int) -> tuple[int, int] | None:
    """(end of the text, end of the element) of an anchor whose text starts at `start`: up to the
    first `</a>`, with at most five other tags in it and at most 500 characters before, between
    and after them; None when there is no such end."""
    position = start
    for _ in range(_MOST_ANCHOR_TEXT_TAGS + 1):
        bracket = text.find("<", position, position + _LONGEST_ANCHOR_TEXT_PART + 1)
        if bracket < 0:
            return None
        if closing := _ANCHOR_CLOSE.match(text, bracket):
            return bracket, closing.end()
        position = bracket + 1
    return None


def alt_repeats_file_name(alt: str, source: str | None) -> bool:
    """An alt text that only repeats the image file's name ("starlette" for starlette.svg, "Logo"
    for project-logo.png): a logo or decoration, which would open a page's prose with a stray word."""
    if not source:
        return False
    name = source.split("#")[0].split("?")[0].rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    said, named = _NOT_ALPHANUMERIC.sub("", alt.lower()), _NOT_ALPHANUMERIC.sub("", name.lower())
    return len(said) >= 3 and said in named


def strip_tags(text: str) -> str:
    return _TAG.sub(" ", text) if "<" in text else text


def heading_element(line: str) -> tuple[int, str] | None:
    """A README's `<h1 align="center">Name</h1>` is a heading, whatever the format around it."""
    match = _HEADING.match(line) if "<h" in line.lower() else None
    if match is None or match.group(1) != match.group(3):
        return None
    return int(match.group(1)), strip_tags(match.group(2))
