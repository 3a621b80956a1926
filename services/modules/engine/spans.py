"""Where each section of a parsed document lies in its source file, as a line range: what a claim's
citation names (`path#L12-L30`). The parser keeps headings' text, not their lines, so each heading is
found again in the raw text: the first line at or after the previous heading's whose letters and
digits are exactly the heading's (a Markdown `## Install \\`kettle\\``, an rST title above its
underline, an AsciiDoc `== Install` all read `installkettle`). A heading not found so (rendered from
a directive, say) takes the previous heading's end, so the ranges stay ordered and cover the file.
Linear in the file: one pass over its lines and a dictionary of them."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from shared.docs.model import ParsedDocument


@dataclass(frozen=True)
class LineSpan:
    first: int  # 1-based, inclusive
    last: int   # inclusive; last >= first

    def cite(self, path: str) -> str:
        return f"{path}#L{self.first}-L{self.last}"


def _letters(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalnum())


def section_spans(parsed: ParsedDocument, raw_text: str) -> tuple[LineSpan, ...]:
    """One span per section of `parsed`, in order. Without the raw text (a section built by hand),
    every section spans the first line."""
    lines = raw_text.splitlines() or [""]
    where: dict[str, list[int]] = {}
    for number, line in enumerate(lines, start=1):
        key = _letters(line)
        if key:
            where.setdefault(key, []).append(number)
    starts: list[int] = []
    cursor = 1
    for index, section in enumerate(parsed.sections):
        if section.heading is None:
            start = 1 if index == 0 else cursor
        else:
            found = where.get(_letters(section.heading.text), [])
            at = bisect_left(found, cursor)
            start = found[at] if at < len(found) else cursor
        starts.append(start)
        cursor = start
    spans = []
    for index, start in enumerate(starts):
        following = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
        spans.append(LineSpan(start, max(start, following)))
    return tuple(spans)
