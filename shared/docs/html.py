"""HTML found inside documentation. Tags are dropped and their text kept, except the contents of
<script>, <style> and comments, which are never text a learner should read (and a favourite place
for hostile content). Written with `str.find` loops so a huge or unterminated input stays linear."""
from __future__ import annotations

import html
import re

_LONGEST_CODE_SPAN = 200
_OPENERS = re.compile(r"<(script|style|textarea|template)\b|<!--", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]{0,40}(?:\s[^<>]{0,2000})?/?>")
_ANCHOR = re.compile(r"<a\s[^<>]{0,1000}?href\s*=\s*[\"']([^\"'<>]{1,2000})[\"'][^<>]{0,1000}>"
                     r"([^<]{0,500}(?:<(?!/a\s*>)[^<]{0,500}){0,5})</a\s*>", re.IGNORECASE)
_IMAGE_ALT = re.compile(r"<img\s[^<>]{0,2000}?alt\s*=\s*[\"']([^\"'<>]{0,300})[\"'][^<>]{0,2000}>",
                        re.IGNORECASE)
# The dark-mode twin of an image (MkDocs Material's `#only-dark`, GitHub's `#gh-dark-mode-only`):
# the light one already says what it shows.
DARK_MODE_TWIN = re.compile(r"#(?:only-dark|gh-dark-mode-only)\b", re.IGNORECASE)
_SOURCE = re.compile(r"\bsrc\s*=\s*[\"']([^\"'<>]{0,2000})[\"']", re.IGNORECASE)
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_HEADING = re.compile(r"^\s*<h([1-6])\b[^<>]{0,500}>(.{0,500}?)</h\1\s*>\s*$", re.IGNORECASE)


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
        # Look back a bounded distance only: an inline code span is short, and an unbounded
        # look-back would make a megabyte-long line quadratic.
        window = max(0, match.start() - _LONGEST_CODE_SPAN)
        line_start = lowered.rfind("\n", window, match.start()) + 1 or window
        if lowered.count("`", line_start, match.start()) % 2 == 1:
            kept.append(text[position:match.end()])
            position = match.end()
            continue
        kind = match.group(1) or "!--"
        end = None if kind in unclosed else _end_of_raw_element(lowered, match)
        if end is None:
            unclosed.add(kind)
        if end is None and not unclosed_runs_to_end:
            kept.append(text[position:match.end()])
            position = match.end()
            continue
        kept.append(text[position:match.start()])
        position = len(lowered) if end is None else end


def _end_of_raw_element(lowered: str, match: re.Match) -> int | None:
    """Where the element opened by `match` ends; None when it is never closed."""
    if match.group(0) == "<!--":
        end = lowered.find("-->", match.end())
        return None if end < 0 else end + 3
    closer = lowered.find(f"</{match.group(1)}", match.end())
    end = lowered.find(">", closer) if closer >= 0 else -1
    return None if end < 0 else end + 1


def html_links(text: str) -> tuple[str, list[tuple[str, str]]]:
    """`<a href="x">text</a>` → text, remembering the link; `<img alt="…">` → its alt text."""
    links: list[tuple[str, str]] = []

    def anchor(match: re.Match) -> str:
        label = strip_tags(match.group(2))
        links.append((html.unescape(match.group(1)), label))
        return f" {label} "

    if "<" not in text:
        return text, links
    def image(match: re.Match) -> str:
        source = _SOURCE.search(match.group(0))
        if DARK_MODE_TWIN.search(match.group(0)) or alt_repeats_file_name(match.group(1), source and source.group(1)):
            return ""
        return f" {match.group(1)} "

    text = _ANCHOR.sub(anchor, text)
    return _IMAGE_ALT.sub(image, text), links


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
    return (int(match.group(1)), strip_tags(match.group(2))) if match else None
