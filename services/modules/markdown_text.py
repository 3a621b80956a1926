"""Markdown as text: escaping plain prose so it reads literally, neutralising Markdown written by
someone else (an LLM, a document) so no raw HTML or dangerous link survives in the exported .md
files, and the one rule for which link targets may become links at all."""
from __future__ import annotations

import re
from typing import Callable

LinkPolicy = Callable[[str], bool]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto"}
_ALWAYS_ESCAPED = re.compile(r"([\\`*\[\]<>~])")
_LOOSE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")   # intraword _ is never emphasis
_BLOCK_START = re.compile(r"^(\s*)(\d+(?=[.)])|)([#+=.)-])")
TARGET = r"(?:[^()\s]|\([^()\s]*\))*"   # a URL, allowing one level of balanced parentheses
_INLINE = re.compile(r"(?P<escape>\\.)|(?P<code>(?P<ticks>`+).{1,2000}?(?P=ticks))"
                     rf"|(?P<link>(?P<bang>!?)\[(?P<text>[^\[\]\n]{{0,500}})\]\((?P<target>{TARGET})"
                     r"(?:\s+\"[^\"\n]*\")?\))"
                     r"|(?P<lt><)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


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


def escape_markdown(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text (one line or several)."""
    escaped = _LOOSE_UNDERSCORE.sub(r"\\_", _ALWAYS_ESCAPED.sub(r"\\\1", text))
    # Only at a line's start do #, -, +, = and "1." open a block (heading, list, rule).
    return "\n".join(_BLOCK_START.sub(r"\1\2\\\3", line, count=1) for line in escaped.split("\n"))


def code_span(text: str) -> str:
    """Text as inline code, whatever backticks it holds."""
    text = " ".join(text.split())
    longest_run = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest_run + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{padding}{text}{padding}{ticks}"


def neutralise_markdown(markdown: str, link_ok: LinkPolicy = acceptable_url) -> str:
    """Markdown with raw HTML made literal (`<` escaped outside code), images reduced to their alt
    text (no external requests) and links the policy refuses reduced to their text."""
    out, fence = [], ""
    for line in markdown.split("\n"):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            out.append(line)
        elif opening:
            fence = opening.group(1)
            out.append(line)
        else:
            out.append(_neutralise_inline(line, link_ok))
    return "\n".join(out)


def _neutralise_inline(text: str, link_ok: LinkPolicy) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["lt"]:
            return "\\<"
        if not match["link"]:
            return match.group()
        label = _neutralise_inline(match["text"], link_ok)
        if match["bang"] or not link_ok(match["target"]):
            return label
        return f"[{label}]({match['target']})"
    return _INLINE.sub(replace, text)
