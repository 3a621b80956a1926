"""A claim's citation: a line range of its source file (`path#L12-L30`), from the lines of each
section shared/docs/section_lines.py finds (Ask's passages cite the same ranges)."""
from __future__ import annotations

from dataclasses import dataclass

from shared.docs.model import ParsedDocument
from shared.docs.section_lines import section_lines


@dataclass(frozen=True)
class LineSpan:
    first: int  # 1-based, inclusive
    last: int   # inclusive; last >= first

    def cite(self, path: str) -> str:
        return f"{path}#L{self.first}-L{self.last}"


def section_spans(parsed: ParsedDocument, raw_text: str) -> tuple[LineSpan, ...]:
    """One span per section of `parsed`, in order."""
    return tuple(LineSpan(first + 1, last + 1) for first, last in section_lines(parsed, raw_text))
