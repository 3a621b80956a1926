"""Writing Markdown from parsed text: escaping plain text so it reads literally, code spans that
survive any backticks, and the label of a callout (an admonition, alert or hint). The parsers use
these to keep a section's inline markup (`Section.markdown`); stage 4 and the export use the same
ones, so there is one rule for each."""
from __future__ import annotations

from shared import linear_regex

# A backslash before each of these wherever it stands (a table for str.translate: one call,
# where a substitution would cost a match for each character).
_ALWAYS_ESCAPED = {ord(char): "\\" + char for char in "\\`*[]<>~"}
_UNDERSCORES = linear_regex.compile(r"_+")
# What opens a block at a line's start: `#`, `-`, `+`, `=`, or a number then `.` or `)`.
_BLOCK_MARKS = "#+=.)-"
_BLOCK_START = linear_regex.compile(rf"^(\s*)(?:(\d+)([.)])|([{linear_regex.escape(_BLOCK_MARKS)}]))")
_BACKTICKS = linear_regex.compile(r"`+")
# Admonition kinds that say the same thing under another name.
_KIND_NAMES = {"tldr": "Summary", "abstract": "Summary", "info": "Info", "hint": "Tip",
               "caution": "Caution", "attention": "Attention", "seealso": "See also",
               "versionadded": "New in version", "versionchanged": "Changed in version",
               "admonition": "Note", "callout": "Note", "details": "Details"}


def escape_markdown(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text (one line or several)."""
    escaped = text.translate(_ALWAYS_ESCAPED)
    # The `in` tests cost a small part of the searches they spare most short texts.
    if "_" in escaped:
        escaped = _UNDERSCORES.sub(_escaped_underscores, escaped)
    if not any(mark in escaped for mark in _BLOCK_MARKS):
        return escaped
    # Only at a line's start do #, -, +, = and "1." open a block (heading, list, rule).
    return "\n".join(_BLOCK_START.sub(_escaped_block_start, line, count=1) for line in escaped.split("\n"))


def _escaped_block_start(start: linear_regex.Match) -> str:
    """The indentation, the number if any, then the marker escaped."""
    return f"{start[1]}{start[2] or ''}\\{start[3] or start[4]}"


def _escaped_underscores(run: linear_regex.Match) -> str:
    """A run of underscores between two letters or digits ("snake_case") is never emphasis; any
    other run is escaped whole: "__init__" escaped at its ends only still read "_init_" as
    emphasis."""
    text, start, end = run.string, run.start(), run.end()
    if start and text[start - 1].isalnum() and end < len(text) and text[end].isalnum():
        return run.group()
    return "\\_" * (end - start)


def code_span(text: str) -> str:
    """Text as inline code, whatever backticks it holds."""
    text = " ".join(text.split())
    if not text:
        return ""
    longest_run = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest_run + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{padding}{text}{padding}{ticks}"


def fenced_block(code: str, info: str = "") -> str:
    """Code as a fenced block no line of it can close: backticks, one more than its longest run."""
    # Most blocks hold no backtick and name no language: no pattern is tried for them (a text of
    # many tiny blocks costs a few string tests per block).
    longest_run = max((len(run) for run in _BACKTICKS.findall(code)), default=0) if "`" in code else 0
    fence = "`" * max(3, longest_run + 1)
    word = info.strip().split(" ", 1)[0]
    language = linear_regex.sub(r"[^A-Za-z0-9_+.#-]", "", word)[:40] if word else ""
    return f"{fence}{language}\n{code}\n{fence}" if code else f"{fence}{language}\n{fence}"


def table_markdown(rows: list[list[str]]) -> str:
    """Rows of cells already written as inline Markdown → a GitHub table (the first row is the
    header); a cell's own pipes are escaped, every row has the header's width."""
    width = max(len(rows[0]), 1)

    def row(cells: list[str]) -> str:
        cells = (cells + [""] * width)[:width]
        return "| " + " | ".join(" ".join(cell.replace("|", "\\|").split()) for cell in cells) + " |"

    return "\n".join([row(rows[0]), "| " + " | ".join(["---"] * width) + " |"] + [row(r) for r in rows[1:]])


def callout_label(kind: str, title: str = "") -> str:
    """`note`, "TL;DR" → "Note — TL;DR"; the title alone when it only repeats the kind."""
    key = "".join(kind.split()).lower().strip("-_")
    name = _KIND_NAMES.get(key) or (key.replace("-", " ").replace("_", " ").capitalize() or "Note")
    title = " ".join(title.split())
    if not title or title.lower() == name.lower() or title.lower() == key:
        return name
    return f"{name} — {title}"


def generated_reference_note(target: str) -> str:
    """What a course shows where the documentation builds a reference from the code (Sphinx
    autodoc, mkdocstrings): the reference is not in the source, so say where it is."""
    return (f"*The reference of {code_span(target)} is generated from its code: see the project's "
            "built documentation.*")


def include_note(target: str) -> str:
    """What a course shows instead of an include it cannot resolve: where the included text is."""
    target = " ".join(target.split()).strip("\"'")
    where = f" ({code_span(target)})" if target else ""
    return f"*An included file{where} is not shown here; see the source.*"


_OPENING_FENCE = linear_regex.compile(r"^(`{3,}|~{3,})([^`\n]*)$")


def markdown_blocks(markdown: str) -> list[str]:
    """Markdown as written by the builder, in blocks apart by blank lines; a fenced code block is
    one block whatever blank lines it holds. One pass over the lines."""
    blocks: list[str] = []
    current: list[str] = []
    fence = ""
    for line in markdown.split("\n"):
        if fence:
            current.append(line)
            if line.strip() and set(line.strip()) == {fence[0]} and len(line.strip()) >= len(fence):
                fence = ""
        elif opening := _OPENING_FENCE.match(line):
            fence = opening.group(1)
            current.append(line)
        elif line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def fenced_code(block: str) -> tuple[str, str] | None:
    """(language, code) of a block that is one fenced code block, else None."""
    lines = block.split("\n")
    opening = _OPENING_FENCE.match(lines[0])
    if opening is None or len(lines) < 2:
        return None
    fence = opening.group(1)
    closing = lines[-1].strip()
    if not closing or set(closing) != {fence[0]} or len(closing) < len(fence):
        return None
    return opening.group(2).strip(), "\n".join(lines[1:-1])
