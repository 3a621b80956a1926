"""Where each section of a parsed document lies in the file as stored: what a citation names
(`docs/install.md#L12-L30`), for Ask's passages and stage 4's claim ledger alike.

The parser (shared/docs) gives each section's heading and text but not its lines; a heading is
found again in the raw text as the first line at or after the previous heading's whose letters and
digits are the heading's (`## The \\`proxy\\` option` is "theproxyoption" as "The proxy option" is),
else one that holds them (a heading that is a link, a notebook's JSON line). A heading not found
keeps the previous section's start: its lines are then a wider span that still holds it. A section
ends before the next one starts, without the blank lines before it. Linear in the document: each
line is normalised once and the search only moves forward."""
from __future__ import annotations

from .model import ParsedDocument


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def section_lines(document: ParsedDocument, raw_text: str) -> list[tuple[int, int]]:
    """(first, last) line of each of `document.sections`, 0-based and inclusive, in order."""
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
    total = max(len(lines), 1)
    ends = [0] * len(starts)  # each section ends before the next start after its own (starts never decrease)
    following = total
    for number in reversed(range(len(starts))):
        if number + 1 < len(starts) and starts[number + 1] > starts[number]:
            following = starts[number + 1]
        ends[number] = following - 1
    spans = []
    for start, end in zip(starts, ends):
        while end > start and end < len(lines) and not lines[end].strip():
            end -= 1  # cited without the blank lines before the next heading
        spans.append((start, max(start, end)))
    return spans


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
