"""Writing Markdown from parsed text: escaping plain text so it reads literally, code spans that
survive any backticks, and the label of a callout (an admonition, alert or hint). The parsers use
these to keep a section's inline markup (`Section.markdown`); stage 4 and the export use the same
ones, so there is one rule for each."""
from __future__ import annotations

import re

_ALWAYS_ESCAPED = re.compile(r"([\\`*\[\]<>~])")
_LOOSE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")   # intraword _ is never emphasis
_BLOCK_START = re.compile(r"^(\s*)(\d+(?=[.)])|)([#+=.)-])")
_BACKTICKS = re.compile(r"`+")
# Admonition kinds that say the same thing under another name.
_KIND_NAMES = {"tldr": "Summary", "abstract": "Summary", "info": "Info", "hint": "Tip",
               "caution": "Caution", "attention": "Attention", "seealso": "See also",
               "versionadded": "New in version", "versionchanged": "Changed in version",
               "admonition": "Note", "callout": "Note", "details": "Details"}


def escape_markdown(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text (one line or several)."""
    escaped = _LOOSE_UNDERSCORE.sub(r"\\_", _ALWAYS_ESCAPED.sub(r"\\\1", text))
    # Only at a line's start do #, -, +, = and "1." open a block (heading, list, rule).
    return "\n".join(_BLOCK_START.sub(r"\1\2\\\3", line, count=1) for line in escaped.split("\n"))


def code_span(text: str) -> str:
    """Text as inline code, whatever backticks it holds."""
    text = " ".join(text.split())
    if not text:
        return ""
    longest_run = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest_run + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{padding}{text}{padding}{ticks}"


def callout_label(kind: str, title: str = "") -> str:
    """`note`, "TL;DR" → "Note — TL;DR"; the title alone when it only repeats the kind."""
    key = "".join(kind.split()).lower().strip("-_")
    name = _KIND_NAMES.get(key) or (key.replace("-", " ").replace("_", " ").capitalize() or "Note")
    title = " ".join(title.split())
    if not title or title.lower() == name.lower() or title.lower() == key:
        return name
    return f"{name} — {title}"


def include_note(target: str) -> str:
    """What a course shows instead of an include it cannot resolve: where the included text is."""
    target = " ".join(target.split()).strip("\"'")
    where = f" ({code_span(target)})" if target else ""
    return f"*An included file{where} is not shown here; see the source.*"
