"""reStructuredText → structure. Section levels follow the order in which adornment styles first
appear (docutils' rule); `::`, `.. code-block::` and doctest blocks (`>>>`) give code; directives are dispatched in
`rst_directives`; lists, field lists and tables become prose."""
from __future__ import annotations

from shared import linear_regex
from shared.docs.builder import DocumentBuilder
from shared.docs.model import ParsedDocument
from shared.docs.rst_directives import handle_explicit_markup
from shared.docs.rst_inline import rst_inline_to_markdown, rst_inline_to_text

# An adornment line: one ASCII punctuation character, at least twice, then only blanks (_adornment).
_ADORNMENT_CHARACTERS = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_EXPLICIT = linear_regex.compile(r"^(\s*)\.\.(?:\s+(.*))?$")
_TARGET = linear_regex.compile(r"^\s*\.\.\s+_([^:]+|`[^`]+`):\s*(\S+)\s*$")
_LIST_ITEM = linear_regex.compile(r"^\s*([-*+•]|#\.|\d+[.)]|\(\d+\))\s+(.*)$")
# A field (`:name: value`) unless a backtick follows the name (a role: `_field`).
_FIELD = linear_regex.compile(r"^\s*:([^:`]{1,80}):\s*(.*)$")
_TABLE_BORDER = linear_regex.compile(r"^\s*(?:\+[-=+]+\+|=+(?:\s+=+)+)\s*$")
# Each line not yet placed is asked whether it opens each of these four; a pattern call costs
# several `in` tests, and on a file of short lines (two characters each) the four calls were most
# of the time. So each pattern is tried only on a line whose first non-blank (or, for `..`,
# content) it could match: `_explicit`, `_list_item`, `_field`, `_table_border`.
_LIST_ITEM_OPENERS = frozenset("-*+•#(")


class RstContext:
    def __init__(self, builder: DocumentBuilder, targets: dict[str, str], includes=None):
        self.builder, self.targets = builder, targets
        self.includes = includes    # shared.docs.includes.Includes: what `.. include::` may read
        self.styles: list[tuple[str, bool]] = []
        self.default_language = ""

    def prose(self, text: str, list_marker: str = "") -> None:
        if not text.strip():
            return  # an empty list item (`- `) or field: no prose, no links, whatever the inline parsers do
        plain, links = rst_inline_to_text(text, self.targets)
        # reStructuredText has no inline HTML and its `raw` directive is never read: a
        # "<script>" in its prose is text about HTML.
        self.builder.add_prose(plain, rst_inline_to_markdown(text, self.targets), list_marker,
                               raw_html_removed=True)
        for target, label in links:
            self.builder.add_link(target, label)

    def heading(self, style: tuple[str, bool], text: str) -> None:
        if style not in self.styles:
            self.styles.append(style)
        plain, _ = rst_inline_to_text(text, self.targets)
        self.builder.add_heading(self.styles.index(style) + 1, plain)


def parse_rst(path: str, text: str, includes=None) -> ParsedDocument:
    builder = DocumentBuilder(path, "rst")
    lines = text.split("\n")
    builder.front_matter, lines = _docinfo(lines)
    context = RstContext(builder, _named_targets(lines), includes)
    parse_rst_lines(lines, context, depth=0)
    return builder.build()


def _docinfo(lines: list[str]) -> tuple[dict, list[str]]:
    """A field list opening the document (`:title: …`, `:description: …`, as Sphinx and many
    generators write) is metadata, like Markdown front matter, not prose."""
    fields: dict = {}
    index = 0
    while index < len(lines) and (not lines[index].strip() or _field(lines[index])):
        match = _field(lines[index])
        if match and not lines[index][:1].isspace():
            fields.setdefault(match.group(1).strip().lower(), match.group(2).strip())
        elif match:
            break
        index += 1
    return (fields, lines[index:]) if fields else ({}, lines)


def _named_targets(lines: list[str]) -> dict[str, str]:
    targets: dict[str, str] = {}
    for line in lines:
        match = _TARGET.match(line) if ".. _" in line else None
        if match:
            targets.setdefault(" ".join(match.group(1).strip("`").split()).lower(), match.group(2))
    return targets


def parse_rst_lines(lines: list[str], context: RstContext, depth: int) -> None:
    """Parse a run of lines; directive bodies come back here with `depth + 1`, where section
    titles are no longer recognised (docutils forbids them inside directives)."""
    paragraph: list[str] = []
    paragraph_indent = 0
    item_marker = ""      # the open paragraph is a list item: "-" or, numbered, "1."
    literal_next = False
    index = 0
    copied = False        # `lines` is the caller's until a list item's directive is rewritten in place

    def flush() -> None:
        nonlocal paragraph, literal_next, item_marker
        if paragraph:
            text = " ".join(paragraph)
            literal_next = text.endswith("::")  # the next, deeper indented block is code
            text = text[:-2].rstrip() if text.endswith(" ::") or text == "::" else \
                text[:-1] if text.endswith("::") else text
            context.prose(text, item_marker)
            paragraph = []
        item_marker = ""

    while index < len(lines):
        line, stripped = lines[index], lines[index].strip()
        if stripped and literal_next and _indent(line) <= paragraph_indent:
            literal_next = False  # "::" promised a literal block that never came
        if not stripped:
            flush()
            index += 1
        elif literal_next and _indent(line) > paragraph_indent:
            block, index = indented_block(lines, index, paragraph_indent)
            context.builder.add_code(context.default_language, "\n".join(block))
            literal_next = False
        elif depth == 0 and (title := _section_title(lines, index, bool(paragraph))):
            flush()
            style, text, index = title
            context.heading(style, text)
        elif _adornment(line) and len(stripped) >= 4:
            flush()  # a transition
            index += 1
        elif match := _explicit(line):
            flush()
            index = handle_explicit_markup(lines, index, match, context, depth)
        elif _table_border(line, stripped):
            flush()
            index += 1
        elif not paragraph and (stripped == ">>>" or stripped.startswith(">>> ")):
            # A doctest block: a paragraph opening with the interpreter's prompt is code to the
            # blank line (docutils), whatever follows the prompt.
            end = index
            while end < len(lines) and lines[end].strip():
                end += 1
            margin = _indent(line)
            context.builder.add_code("pycon", "\n".join(raw[margin:] if _indent(raw) >= margin else raw.lstrip()
                                                          for raw in lines[index:end]))
            index = end
        elif (item := _list_item(line, stripped)) and _explicit(item.group(2)):
            # A list item holding a directive (click's `*   .. autoclass:: Choice`): the directive,
            # read where its text starts, its options indented below it as usual.
            flush()
            lines = lines if copied else list(lines)
            copied = True
            lines[index] = " " * item.start(2) + item.group(2)
        elif item or (field := _field(line, stripped)):
            flush()
            paragraph_indent = _indent(line)
            if item:   # `#.`, `3.`, `(3)`: Markdown numbers a list's items in the order they come
                item_marker = "-" if item.group(1)[0] in "-*+•" else "1."
            paragraph.append(item.group(2) if item else f"{field.group(1)}: {field.group(2)}")
            index += 1
        else:
            if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
                stripped = ", ".join(c.strip() for c in stripped.strip("|").split("|") if c.strip())
            elif stripped.startswith("| "):
                stripped = stripped[2:]  # a line block
            if not paragraph:
                paragraph_indent = _indent(line)
            paragraph.append(stripped)
            index += 1
    flush()


def _section_title(lines: list[str], index: int, inside_paragraph: bool):
    """(style, text, next index) when a title starts at `index`: overline + text + underline, or
    text + underline at least as long as the text (3 characters suffice for short titles)."""
    line = lines[index]
    over = _adornment(line)
    if over and index + 2 < len(lines) and lines[index + 1].strip():
        under = _adornment(lines[index + 2])
        if under == over:
            return (over, True), lines[index + 1].strip(), index + 3
    if over or inside_paragraph or _indent(line) > 0 or index + 1 >= len(lines):
        return None
    under = _adornment(lines[index + 1])
    length = len(lines[index + 1].strip())
    if under and length >= min(len(line.strip()), 3) and not _explicit(line):
        return (under, False), line.strip(), index + 2
    return None


def _adornment(line: str) -> str:
    """The character of an adornment line (a title's over- or underline, a transition), else ""."""
    mark = line[:1]
    if mark not in _ADORNMENT_CHARACTERS:
        return ""
    rest = line.lstrip(mark)
    return mark if len(line) - len(rest) >= 2 and not rest.strip() else ""


def _explicit(line: str) -> linear_regex.Match | None:
    """Explicit markup (`.. name:: …`, `.. _target:`, a comment): _EXPLICIT, on a line holding `..`."""
    return _EXPLICIT.match(line) if ".." in line else None


def _list_item(line: str, stripped: str) -> linear_regex.Match | None:
    """_LIST_ITEM, on a line whose first non-blank (`stripped`, the line stripped) may open one:
    a bullet, `#.`, a number, `(`."""
    first = stripped[:1]
    return _LIST_ITEM.match(line) if first in _LIST_ITEM_OPENERS or first.isdecimal() else None


def _table_border(line: str, stripped: str) -> bool:
    """Whether the line is a grid or simple table's border: _TABLE_BORDER, on a line whose first
    non-blank (`stripped`, the line stripped) is `+` or `=`."""
    return stripped[:1] in ("+", "=") and bool(_TABLE_BORDER.match(line))


def _field(line: str, stripped: str | None = None) -> linear_regex.Match | None:
    if not (line.lstrip() if stripped is None else stripped).startswith(":"):
        return None
    match = _FIELD.match(line)
    return None if match is None or line.startswith("`", match.end(1) + 1) else match


def indented_block(lines: list[str], index: int, base_indent: int) -> tuple[list[str], int]:
    """The lines from `index` indented deeper than `base_indent` (blank lines included),
    dedented; and the index after them."""
    end = index
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > base_indent):
        end += 1
    while end > index and not lines[end - 1].strip():
        end -= 1
    block = lines[index:end]
    margin = min((_indent(line) for line in block if line.strip()), default=0)
    return [line[margin:] for line in block], end


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
