"""Plain text, and the fallback for every format whose parser fails: paragraphs separated by
blank lines; a short first line is the title."""
from __future__ import annotations

from shared.docs.builder import DocumentBuilder
from shared.docs.model import ParsedDocument

_LONGEST_TITLE_CHARS = 80
_LONGEST_TITLE_WORDS = 12


def parse_text(path: str, text: str, format: str = "text") -> ParsedDocument:
    builder = DocumentBuilder(path, format)
    lines = text.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None and _looks_like_title(lines[first]):
        builder.add_heading(1, lines[first].strip().strip("=#*-_ ").strip() or lines[first])
        lines = lines[first + 1:]
    paragraph: list[str] = []
    for line in lines + [""]:
        if line.strip() and not _is_underline(line):
            paragraph.append(line.strip())
        elif paragraph:
            builder.add_prose(" ".join(paragraph))
            paragraph = []
    return builder.build()


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return len(line) <= _LONGEST_TITLE_CHARS and len(line.split()) <= _LONGEST_TITLE_WORDS \
        and not line.endswith((".", ",", ";")) and any(c.isalpha() for c in line)


def _is_underline(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= 3 and len(set(stripped)) == 1 and stripped[0] in "=-~*#_"
