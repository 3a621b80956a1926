"""A parsed document cut into the sections an answer can cite: each with its heading, the lines it
spans in the document as stored, its text as the document writes it (for quoting) and its plain
text and code (for searching).

Its lines are found by shared/docs/section_lines.py (the one place that finds them, stage 4's claim
ledger cites the same)."""
from __future__ import annotations

from dataclasses import dataclass

from shared.docs.model import ParsedDocument
from shared.docs.section_lines import section_lines

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


def cut(document: ParsedDocument, raw_text: str) -> list[SourceSection]:
    """The document's sections in order; an empty section (no heading, no text, no code) is left out."""
    lines = raw_text.splitlines()
    quotable = document.format not in _NOT_LINE_QUOTABLE
    sections: list[SourceSection] = []
    above: list[tuple[int, str]] = []  # (level, text) of the headings the current section sits under
    for section, (start, end) in zip(document.sections, section_lines(document, raw_text)):
        if section.heading is not None:
            above = [(level, text) for level, text in above if level < section.heading.level]
        context = " › ".join([document.title, *(text for _, text in above if text != document.title)])
        if section.heading is not None:
            above.append((section.heading.level, section.heading.text))
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


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut_at = text.rfind("\n", 0, limit)
    return text[:cut_at if cut_at > limit // 2 else limit] + "\n…"
