"""A document too long for one prompt, cut into parts along its sections (sections.py): whole
sections are packed into a part while they fit; a section too big for any part is cut at its
paragraphs, a paragraph too big at its lines, a line too big at `max_chars` characters. Every
character lands in exactly one part, in order: the parts joined are the text again.

Linear in the text: each line is looked at a bounded number of times and no pattern backtracks."""
from __future__ import annotations

from .sections import section_starts


def split_into_parts(text: str, max_chars: int, doc_format: str = "markdown") -> list[str]:
    """The parts of `text`, each at most `max_chars` characters; one part when it fits whole."""
    if max_chars < 1:
        raise ValueError(f"a part must be able to hold at least one character, not {max_chars}")
    if len(text) <= max_chars:
        return [text]
    starts = section_starts(text, doc_format)
    sections = [text[start:end] for start, end in zip(starts, starts[1:] + [len(text)])]
    return _packed((piece for section in sections for piece in _fitting(section, max_chars)), max_chars)


def _fitting(section: str, max_chars: int) -> list[str]:
    """`section` as pieces of at most `max_chars`: itself, else its paragraphs, lines, slices."""
    if len(section) <= max_chars:
        return [section]
    pieces: list[str] = []
    for paragraph in _paragraphs(section):
        if len(paragraph) <= max_chars:
            pieces.append(paragraph)
            continue
        for line in paragraph.splitlines(keepends=True):
            if len(line) <= max_chars:
                pieces.append(line)
            else:
                pieces.extend([line[at:at + max_chars] for at in range(0, len(line), max_chars)])
    return pieces


def _paragraphs(text: str) -> list[str]:
    """Runs of non-blank lines, each with the blank lines after it."""
    paragraphs: list[str] = []
    current: list[str] = []
    after_blank = False
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        if current and after_blank and not blank:
            paragraphs.append("".join(current))
            current = []
        current.append(line)
        after_blank = blank
    if current:
        paragraphs.append("".join(current))
    return paragraphs


def _packed(pieces, max_chars: int) -> list[str]:
    """Consecutive pieces (each at most `max_chars`) joined into as few parts as fit, in order."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        if current and size + len(piece) > max_chars:
            parts.append("".join(current))
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    if current:
        parts.append("".join(current))
    return parts
