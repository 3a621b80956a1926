"""Markdown as text: escaping plain prose so it reads literally, neutralising Markdown written by
someone else (an LLM, a document) so no raw HTML or dangerous link survives in the exported .md
files, and the one rule for which link targets may become links at all."""
from __future__ import annotations

from typing import Callable

from shared import linear_regex
from shared.docs.markdown_out import code_span, escape_markdown, fenced_block  # noqa: F401 — one rule, shared with the parsers

LinkPolicy = Callable[[str], bool]

_SCHEME = linear_regex.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto"}
TARGET = r"(?:[^()\s]|\([^()\s]*\))*"   # a URL, allowing one level of balanced parentheses
# An inline link or image at the current position: [text](target "optional title").
_LINK = linear_regex.compile(
    rf"(?P<bang>!?)\[(?P<text>[^\[\]\n]{{0,500}})\]\((?P<target>{TARGET})(?:\s+\"[^\"\n]*\")?\)")
# CommonMark fences: up to 3 spaces, then 3+ backticks (an info string without backticks) or 3+
# tildes; a closing fence is the same character, at least as long, followed only by whitespace.
# (The backtick fence's info string is checked in `_opening_fence`.)
_OPENING_FENCE = linear_regex.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_CLOSING_FENCE = linear_regex.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*$")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Outside code, these never reach a renderer bare: `<` (raw HTML, autolinks), `[` `]` (links,
# images, reference definitions), `` ` `` and `~` (code spans and fences we did not write).
_NEUTRALISED = frozenset("<[]`~")
_BACKTICKS = linear_regex.compile(r"`+")
_QUOTE = linear_regex.compile(r"^ {0,3}> ?")
MAX_QUOTE_DEPTH = 8     # deeper quotes stay text: escaped, bounded work


def url_scheme(url: str) -> str:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def acceptable_url(url: str) -> bool:
    """http(s), mailto and relative references; nothing with whitespace, control characters or
    backslashes (browsers strip or reinterpret those, which is how `java\\tscript:` slips through),
    and no protocol-relative `//host` (it leaves the site)."""
    if not url or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        return False
    scheme = url_scheme(url)
    if scheme:
        return scheme in _SAFE_SCHEMES
    return not url.startswith("//")


def is_relative(url: str) -> bool:
    return acceptable_url(url) and not url_scheme(url)


def neutralise_markdown(markdown: str, link_ok: LinkPolicy = acceptable_url, depth: int = 0) -> str:
    """Markdown written by someone else, made safe for any CommonMark renderer: its fenced code
    blocks are written again with a fence of our own (longer than any backtick run inside), and
    everything else is text in which `<`, brackets, backticks and tildes are escaped, except the
    code spans and allowed links written again by us. So no raw HTML, autolink, image, reference
    definition or refused link survives, whatever the renderer decides about the source's own
    fences, containers or code spans: a line we took for text is escaped wherever it lands."""
    out: list[str] = []
    lines = markdown.split("\n")
    at = 0
    while at < len(lines):
        if depth < MAX_QUOTE_DEPTH and _QUOTE.match(lines[at]):
            quoted = []
            while at < len(lines) and _QUOTE.match(lines[at]):
                quoted.append(_QUOTE.sub("", lines[at], count=1))
                at += 1
            inner = neutralise_markdown("\n".join(quoted), link_ok, depth + 1)
            out += [f"> {line}" if line else ">" for line in inner.split("\n")]
            continue
        opening = _opening_fence(lines[at])
        if opening is None:
            out.append(neutralise_markdown_line(lines[at], link_ok))
            at += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        code, at = [], at + 1
        while at < len(lines):
            closing = _CLOSING_FENCE.match(lines[at])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence):
                at += 1
                break
            code.append(_dedent(lines[at], indent))
            at += 1
        out.append(fenced_block("\n".join(code), opening["info"]))
    return "\n".join(out)


def _opening_fence(line: str) -> linear_regex.Match | None:
    """A line opening a fenced code block: a backtick fence's info string holds no backtick (the
    fence is the whole run of backticks, so the info string is all the rest of the line)."""
    opening = _OPENING_FENCE.match(line)
    if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
        return None
    return opening


def _dedent(line: str, indent: int) -> str:
    """A fence's content loses up to the opening fence's indentation, as CommonMark says."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent):]


def neutralise_markdown_line(text: str, link_ok: LinkPolicy = acceptable_url) -> str:
    """One line of someone else's Markdown as inline text only (it may sit inside a list item):
    no block can start from it, and only our own code spans and allowed links stay markup."""
    out, at, runs = [], 0, _backtick_runs(text)
    links: list[tuple[int, str, str | None]] = []   # (place in `out`, text, target if kept)
    while at < len(text):
        ch = text[at]
        if ch == "\\" and at + 1 < len(text) and text[at + 1] in _ASCII_PUNCTUATION:
            out.append(text[at:at + 2])  # an escape stays one: what follows is never markup
            at += 2
        elif ch == "`":
            # A run whose first backtick was escaped is no code span of ours: all escaped.
            length, closing = runs.get(at) or (_BACKTICKS.match(text, at).end() - at, None)
            if closing is None:
                out.append("\\`" * length)
            else:
                out.append(code_span(text[at + length:closing]))
                length = closing + length - at
            at += length
        elif ch in "![" and (link := _LINK.match(text, at)):
            target = link["target"]
            allowed = not link["bang"] and link_ok(target) and not any(c in target for c in "<>&")
            links.append((len(out), link["text"], target if allowed else None))
            out.append("")
            at = link.end()
        elif ch in _NEUTRALISED:
            out.append("\\" + ch)
            at += 1
        else:
            out.append(ch)
            at += 1
    # Link texts are neutralised once the line is read: each is searched as a text of its own, and
    # the search of a line goes on from where it stopped only while no other text is searched.
    for place, label_text, target in links:
        label = neutralise_markdown_line(label_text, link_ok)
        out[place] = label if target is None else f"[{label}]({target})"
    return "".join(out)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where each CommonMark code span of `text` starts and ends (its backticks included), left to
    right. A run whose first backtick is escaped opens none. Linear: runs found in one pass."""
    spans: list[tuple[int, int]] = []
    after = 0
    for start, (length, closing) in sorted(_backtick_runs(text).items()):
        if start < after or closing is None or _after_odd_backslashes(text, start):
            continue
        after = closing + length
        spans.append((start, after))
    return spans


def _after_odd_backslashes(text: str, at: int) -> bool:
    """Whether an odd number of backslashes stands right before `at`."""
    backslashes = 0
    while at - backslashes > 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _backtick_runs(text: str) -> dict[int, tuple[int, int | None]]:
    """Each run of backticks: its length and where the next run of exactly that length starts
    (the end of a CommonMark code span), or None. One pass from the end: linear."""
    runs = [(m.start(), len(m.group())) for m in _BACKTICKS.finditer(text)]
    found, next_of_length = {}, {}
    for start, length in reversed(runs):
        found[start] = (length, next_of_length.get(length))
        next_of_length[length] = start
    return found
