"""A parsed document cut into the sections an answer can cite: each with its heading, the lines it
spans in the document as stored, its text as the document writes it (for quoting) and its plain
text and code (for searching).

The parser (shared/docs) gives each section's heading and text but not its lines; a heading is
found again in the raw text as the first line at or after the previous heading's whose letters and
digits are the heading's (`## The \\`proxy\\` option` is "theproxyoption" as "The proxy option" is),
else one that holds them (a heading that is a link, a notebook's JSON line). A heading not found
keeps the previous section's start: its lines are then a wider span that still holds it. Linear in
the document: each line is normalised once and the search only moves forward."""
from __future__ import annotations

from dataclasses import dataclass

from shared.docs.model import ParsedDocument

# What a section keeps of its text as written: enough to quote the part that answers (the answer
# picks a window of it), bounded so a huge section cannot make a huge row.
MAX_QUOTE_CHARS = 20_000
MAX_TEXT_CHARS = 50_000
# Formats whose raw lines are not what a reader reads: quoted from the parser's Markdown instead.
_NOT_LINE_QUOTABLE = frozenset({"notebook"})


@dataclass(frozen=True)
class SourceSection:
    path: str
    title: str        # the document's title and the headings the section sits under ("Guide › Setup")
    heading: str      # the section's heading ("" for text before the first one)
    anchor: str
    level: int        # the heading's level (0: before the first heading)
    start_line: int   # 1-based, inclusive
    end_line: int
    quote: str        # as the document writes it (markup and code kept), bounded
    text: str         # plain prose, bounded
    code: str         # the section's code blocks, bounded


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def cut(document: ParsedDocument, raw_text: str) -> list[SourceSection]:
    """The document's sections in order; an empty section (no heading, no text, no code) is left out."""
    lines = raw_text.splitlines()
    normalised = [_letters(line) for line in lines]
    starts: list[int] = []  # 0-based line of each section's start
    cursor = 0
    for section in document.sections:
        if section.heading is None:
            starts.append(0 if not starts else starts[-1])
            continue
        found = _find(normalised, _letters(section.heading.text), cursor)
        start = found if found is not None else (starts[-1] if starts else 0)
        starts.append(start)
        if found is not None:
            cursor = found + 1
    quotable = document.format not in _NOT_LINE_QUOTABLE
    sections: list[SourceSection] = []
    total = max(len(lines), 1)
    ends = [0] * len(starts)  # each section ends before the next start after its own (starts never decrease)
    following = total
    for number in reversed(range(len(starts))):
        if number + 1 < len(starts) and starts[number + 1] > starts[number]:
            following = starts[number + 1]
        ends[number] = following - 1
    above: list[tuple[int, str]] = []  # (level, text) of the headings the current section sits under
    for section, start, end in zip(document.sections, starts, ends):
        if section.heading is not None:
            above = [(level, text) for level, text in above if level < section.heading.level]
        context = " › ".join([document.title, *(text for _, text in above if text != document.title)])
        if section.heading is not None:
            above.append((section.heading.level, section.heading.text))
        while end > start and end < len(lines) and not lines[end].strip():
            end -= 1  # cited without the blank lines before the next heading
        code = "\n\n".join(block.code for block in section.code)
        if not (section.heading or section.text.strip() or code.strip()):
            continue
        if quotable:
            quote = "\n".join(lines[start:end + 1])
        else:
            fenced = "\n\n".join(f"```{block.language}\n{block.code}\n```" for block in section.code)
            quote = "\n\n".join(part for part in (section.markdown or section.text, fenced) if part)
        heading = section.heading
        sections.append(SourceSection(
            path=document.path, title=context, heading=heading.text if heading else "",
            anchor=heading.anchor if heading else "", level=heading.level if heading else 0,
            start_line=start + 1, end_line=max(start, end) + 1, quote=_bounded(quote, MAX_QUOTE_CHARS),
            text=_bounded(section.text, MAX_TEXT_CHARS), code=_bounded(code, MAX_TEXT_CHARS)))
    return sections


def _find(normalised: list[str], heading: str, cursor: int) -> int | None:
    if not heading:
        return None
    for number in range(cursor, len(normalised)):
        if normalised[number] == heading:
            return number
    # Bounded by the heading's length times the lines: headings are short (the parser's).
    heading = heading[:200]
    for number in range(cursor, len(normalised)):
        if heading in normalised[number]:
            return number
    return None


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut_at = text.rfind("\n", 0, limit)
    return text[:cut_at if cut_at > limit // 2 else limit] + "\n…"
