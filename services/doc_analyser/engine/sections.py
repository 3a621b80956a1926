"""Where the sections of a document's raw text begin: at its headings — Markdown's `#` and
underlined (setext) ones, reStructuredText's underlined and overlined titles, AsciiDoc's `=`
titles — never inside fenced or delimited code. Used to cut a long document into parts along its
structure (parts.py). A missed or extra heading only moves a cut; no text is ever lost.

Plain string code over the lines, once each: the text is untrusted, so no backtracking pattern."""
from __future__ import annotations

from itertools import accumulate

from shared.docs.markdown_lines import atx_heading

# What str.splitlines breaks on: stripped from a line to see its content.
LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_RST_ADORNMENT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ASCIIDOC_VERBATIM = ("----", "....", "////", "++++")  # listing, literal, comment, passthrough
# A line starting with none of these is ordinary text in Markdown: the common case, decided at once.
_MARKDOWN_MARKS = frozenset(" \t#`~=-")
_ASCIIDOC_MARKS = frozenset("=#`-./+")


def section_starts(text: str, doc_format: str) -> list[int]:
    """Offsets into `text` where a section begins, ascending; always 0 first."""
    lines = text.splitlines(keepends=True)
    bare = [line.rstrip(LINE_ENDS) for line in lines]
    finder = {"rst": _rst_titles, "asciidoc": _asciidoc_titles}.get(doc_format, _markdown_headings)
    offsets = [0, *accumulate(map(len, lines))]
    return sorted({0, *(offsets[index] for index in finder(bare))})


def _markdown_headings(lines: list[str]) -> list[int]:
    """Line indexes where a heading's section begins: an ATX heading's line, or the first line of
    the paragraph a setext underline (`===`, `---`) turns into a heading."""
    starts: list[int] = []
    fence: tuple[str, int] | None = None  # the open fence's character and length
    paragraph: int | None = None  # the first line of the paragraph being read
    for index, line in enumerate(lines):
        if not line:  # a blank line ends a paragraph and never opens or closes a fence
            paragraph = None
            continue
        if line[0] not in _MARKDOWN_MARKS:
            if fence is None and paragraph is None:
                paragraph = index
            continue
        marker = _fence_marker(line)
        if fence is not None:
            if marker is not None and marker[0] == fence[0] and marker[1] >= fence[1] and marker[2] == "":
                fence = None
            continue
        if marker is not None and not (marker[0] == "`" and "`" in marker[2]):
            fence, paragraph = marker[:2], None
            continue
        if atx_heading(line) is not None:
            starts.append(index)
            paragraph = None
        elif paragraph is not None and _is_underline(line, "=-"):
            starts.append(paragraph)
            paragraph = None
        elif not line.strip():
            paragraph = None
        elif paragraph is None:
            paragraph = index
    return starts


def _fence_marker(line: str) -> tuple[str, int, str] | None:
    """(character, run length, rest stripped) of a ``` or ~~~ fence line, else None."""
    content = line.lstrip(" ")
    if len(line) - len(content) > 3 or content[:3] not in ("```", "~~~"):
        return None
    run = len(content) - len(content.lstrip(content[0]))
    return content[0], run, content[run:].strip()


def _is_underline(line: str, characters: str) -> bool:
    """A line of three or more of one of `characters` (trailing blanks allowed, up to three
    leading spaces)."""
    content = line.lstrip(" ").rstrip(" \t")
    return (len(line) - len(line.lstrip(" ")) <= 3 and len(content) >= 3 and content[0] in characters
            and not content.strip(content[0]))


def _rst_titles(lines: list[str]) -> list[int]:
    """Line indexes of titles: text under a blank line (or the start) and over an adornment line,
    or between an overline and an underline of the same character."""
    starts: list[int] = []
    for index in range(1, len(lines)):
        under, title = lines[index], lines[index - 1]
        if under[:1] not in _RST_ADORNMENT or not _is_adornment(under):
            continue
        if not title.strip() or title[0].isspace() or _is_adornment(title):
            continue
        above = lines[index - 2] if index >= 2 else ""
        if _is_adornment(above) and above[0] == under[0]:
            starts.append(index - 2)
        elif not above.strip():
            starts.append(index - 1)
    return starts


def _is_adornment(line: str) -> bool:
    content = line.rstrip(" \t")
    return len(content) >= 3 and content[0] in _RST_ADORNMENT and not content.strip(content[0])


def _asciidoc_titles(lines: list[str]) -> list[int]:
    """Line indexes of `=`/`#` section titles outside listing, literal, comment and passthrough
    blocks (where `= x` is code or hidden text)."""
    starts: list[int] = []
    block: str | None = None  # the open verbatim block's delimiter
    for index, line in enumerate(lines):
        if line[:1] not in _ASCIIDOC_MARKS:
            continue
        content = line.rstrip(" \t")
        if block is not None:
            block = None if content == block else block
            continue
        if content.startswith("```") or (content[:4] in _ASCIIDOC_VERBATIM and not content.strip(content[0])):
            block = "```" if content.startswith("```") else content
            continue
        if _is_asciidoc_title(content):
            starts.append(index)
    return starts


def _is_asciidoc_title(line: str) -> bool:
    marks = line[:1]
    if marks not in ("=", "#"):
        return False
    level = len(line) - len(line.lstrip(marks))
    rest = line[level:]
    return level <= 6 and rest[:1].isspace() and bool(rest.strip())
