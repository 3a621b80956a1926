"""Markdown (CommonMark + GitHub flavour, as documentation is really written) → structure.
Line-based: fences are split off first, raw HTML elements removed, then each line is classified
(heading, list item, table, quote, indented code, paragraph). Good enough for analysis, not a
renderer: nested containers are flattened into paragraphs."""
from __future__ import annotations

from dataclasses import replace

from shared import linear_regex
from shared.docs import myst_directives
from shared.docs.builder import DocumentBuilder
from shared.docs.fences import Fenced, split_fenced
from shared.docs.front_matter import split_front_matter
from shared.docs.html_text import heading_element, strip_raw_html
from shared.docs.includes import Included, Includes, language_of, markdown_spec
from shared.docs.markdown_containers import CLOSE, FIELD, GENERATED, INCLUDE, MARK, OPEN, mark_containers
from shared.docs.markdown_inline import inline_to_markdown, inline_to_text
from shared.docs.markdown_out import include_note
from shared.docs.markdown_lines import atx_heading, is_table_delimiter
from shared.docs.model import ParsedDocument
from shared.docs.rst import RstContext, parse_rst_lines

_SETEXT = linear_regex.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# Three or more of the same `-`, `*` or `_`, blanks between them allowed: one alternative each.
_BREAK = linear_regex.compile(r"^ {0,3}(?:-(?:[ \t]*-){2,}|\*(?:[ \t]*\*){2,}|_(?:[ \t]*_){2,})[ \t]*$")
_REFERENCE = linear_regex.compile(r"^ {0,3}\[([^\]\n^]{1,300})\]:\s*<?(\S{1,2000}?)>?(?:\s+.*)?$")
_LIST_ITEM = linear_regex.compile(r"^(\s*)([-*+•]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$")
_QUOTE = linear_regex.compile(r"^ {0,3}>[ \t]?")
_QUOTES = linear_regex.compile(r"^(?: {0,3}>[ \t]?)++")  # all markers at once: one by one was quadratic
# A definition list's `: definition`; the definition starts at group 1 (no blank follows the
# marker's blanks, so they are all of them).
_DEFINITION = linear_regex.compile(r"^ {0,3}:[ \t]{1,4}(\S)")
# Attributes for the next block alone on their line: kramdown's `{: .class }`, MyST's (attrs_block)
# `{.hide-header}`, `{#id .class key="value"}`.
# Attributes are separated by blanks, so a line splits into them one way only: read one at a time
# (as one pattern, twenty repetitions of a 200-character value are over RE2's repetition limit).
_ATTRIBUTE = linear_regex.compile(
    r"[ \t]*(?:[#.][\w-]+|[\w-]+=(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'|[^\s{}\"']{1,200}))")
_MOST_ATTRIBUTES = 20
_LONGEST_KRAMDOWN_ATTRIBUTES = 300
_FOOTNOTE_DEFINITION = linear_regex.compile(r"^ {0,3}\[\^[^\[\]\n]{1,100}\]:[ \t]*")
# MyST's cross-reference target, alone on its line before what it labels: `(install)=`.
_MYST_TARGET = linear_regex.compile(r"^ {0,3}\(([^()\s][^()]{0,200})\)=[ \t]*$")
_ALERT = linear_regex.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", linear_regex.IGNORECASE)


def parse_markdown(path: str, text: str, format: str = "markdown", includes: Includes | None = None) -> ParsedDocument:
    builder = DocumentBuilder(path, format)
    builder.front_matter, body = split_front_matter(text)
    add_markdown(builder, body, includes=includes)
    return builder.build()


def add_markdown(builder: DocumentBuilder, text: str, indented_code: bool = True,
                 includes: Includes | None = None, depth: int = 0) -> None:
    """Feed Markdown text into a builder (notebooks call this once per Markdown cell). `includes`:
    the files an include may bring in; without it every include is a note. `depth`: how many MyST
    directives this text is inside."""
    parts = split_fenced(mark_containers(text.replace(MARK, "").split("\n")))
    references = _reference_definitions(parts)
    for part in parts:
        if isinstance(part, Fenced) and part.language == "eval-rst":
            # MyST's way of writing reStructuredText inside Markdown: it is text, not code.
            parse_rst_lines(part.code.split("\n"), RstContext(builder, {}, includes), depth=1)
        elif isinstance(part, Fenced) and not myst_directives.is_code(part):
            myst_directives.add_directive(
                builder, part, depth,
                lambda body, deeper: add_markdown(builder, body, indented_code, includes, deeper))
        elif isinstance(part, Fenced):
            part = replace(part, language=myst_directives.code_language(part))
            language, code, notes = _code_with_includes(part, includes)
            builder.add_code(language, code)
            for note in notes:
                builder.add_note(note)
        else:
            _Blocks(builder, references, indented_code, includes).feed(strip_raw_html("\n".join(part)).split("\n"))


def _code_with_includes(part: Fenced, includes: Includes | None) -> tuple[str, str, list[str]]:
    """A snippet inside a code block (`--8<-- "app.py"`) is replaced by its file's code, indented
    like the snippet line; one not resolved leaves a note after the block. A block without a
    language takes its snippets' when they agree."""
    if MARK not in part.code:
        return part.language, part.code, []
    lines, notes, languages = [], [], set()
    for line in part.code.split("\n"):
        stripped = line.lstrip(" ")
        if not stripped.startswith(INCLUDE):
            lines.append(line)
            continue
        spec = _spec(stripped.split(FIELD))
        included = includes.resolve(spec) if includes is not None else None
        if included is None:
            notes.append(include_note(spec.target))
            continue
        indent = line[:len(line) - len(stripped)]
        lines.extend(indent + text if text else text for text in included.text.strip("\n").split("\n"))
        languages.add(language_of(included.path))
    language = part.language or (languages.pop() if len(languages) == 1 else "")
    return language, "\n".join(lines), notes


def _spec(fields: list[str]):
    """The include a mark (markdown_containers) stands for: mark, kind, what was written, options."""
    return markdown_spec(fields[1] if len(fields) > 1 else "", fields[2] if len(fields) > 2 else "", fields[3:])


def _add_included(builder: DocumentBuilder, included: Included, includes: Includes, indented_code: bool) -> None:
    """An included Markdown (or reStructuredText) file, parsed where the include stood; its own
    includes are relative to it."""
    with includes.inside(included.path):
        if included.path.lower().endswith(".rst"):
            parse_rst_lines(included.text.split("\n"), RstContext(builder, {}, includes), depth=1)
        else:
            add_markdown(builder, split_front_matter(included.text)[1], indented_code, includes)


def _reference_definitions(parts: list) -> dict[str, str]:
    references: dict[str, str] = {}
    for part in parts:
        for line in part if isinstance(part, list) else ():
            match = _REFERENCE.match(line) if "]:" in line else None
            if match:
                references.setdefault(match.group(1).strip().lower(), match.group(2))
    return references


class _Blocks:
    def __init__(self, builder: DocumentBuilder, references: dict[str, str], indented_code: bool,
                 includes: Includes | None = None):
        self.builder, self.references, self.indented_code = builder, references, indented_code
        self.includes = includes
        self.paragraph: list[str] = []
        self.code: list[str] = []
        self.in_list = False
        self.after_blank = True
        self.item_marker = ""       # the open paragraph is a list item with this marker ("-", "1.")
        self.in_alert = False       # inside a GitHub alert (`> [!NOTE]`), a callout
        # Right after a container's marker: an indented line continues the list item the
        # container sat in (as in MyST's `:::{note}` inside a list), it is not indented code.
        self.after_container = False

    def feed(self, lines: list[str]) -> None:
        index = 0
        while index < len(lines):
            index = self._line(lines, index)
        self._flush_code()  # an indented block that ends the text is code too
        self._flush()
        if self.in_alert:
            self.builder.close_callout()

    def _line(self, lines: list[str], index: int) -> int:
        line = lines[index]
        if self.code and (not line.strip() or _indent(line) >= 4):
            self.code.append(line[4:])
            return index + 1
        self._flush_code()
        if self.in_alert and not _QUOTE.match(line):
            self._flush()
            self.builder.close_callout()
            self.in_alert = False
        if line.startswith(MARK):
            self._marker(line)
            return index + 1
        blank_before, self.after_blank = self.after_blank, not line.strip()
        after_container, self.after_container = self.after_container, self.after_container and not line.strip()
        # The first character after the indentation: most patterns below need a given one there,
        # and most lines have none of them (a pattern tried on each line costs more than this).
        lead = line.lstrip(" ")[:1]
        if not line.strip():
            self._flush()
        elif self.indented_code and _indent(line) >= 4 and blank_before and not self.paragraph \
                and not self.in_list and not after_container:
            self.code.append(line[4:])
        elif heading := (atx_heading(line) or heading_element(line)):
            self._heading(*heading)
        elif self.paragraph and lead in ("=", "-") and _SETEXT.match(line) and not self.in_list:
            text, self.paragraph = " ".join(self.paragraph), []
            self._heading(1 if line.strip()[0] == "=" else 2, text)
        elif lead in ("-", "*", "_") and _BREAK.match(line):
            self._flush()
        elif "]:" in line and (footnote := _FOOTNOTE_DEFINITION.match(line)):
            self._flush()     # a footnote's text: a paragraph of its own, without its mark
            self.paragraph.append(line[footnote.end():].strip())
        elif "]:" in line and _REFERENCE.match(line):
            self._flush()
        elif line.lstrip().startswith("{") and _is_attribute_list(line):
            self._flush()
        elif line.rstrip().endswith(")=") and (target := _MYST_TARGET.match(line)):
            self._flush()
            self.builder.add_label(target.group(1))
        elif line.lstrip().startswith(":") and (definition := _DEFINITION.match(line)):
            self._flush()
            self.paragraph.append(line[definition.start(1):].strip())
        elif "|" in line and index + 1 < len(lines) and "-" in lines[index + 1] \
                and is_table_delimiter(lines[index + 1]):
            return self._table(lines, index)
        elif _may_be_list_item(line) and (item := _LIST_ITEM.match(line)):
            self._flush()
            self.in_list = True
            self.item_marker = "-" if not item.group(2)[0].isdigit() else item.group(2)[:-1] + "."
            self.paragraph.append(item.group(3))
        elif lead == ">" and _QUOTE.match(line):
            self._quote(line)
        else:
            if blank_before and _indent(line) == 0:
                self.in_list = False
            self.paragraph.append(line.strip())
        return index + 1

    def _marker(self, line: str) -> None:
        """A container of a documentation generator (markdown_containers): a callout opens or
        closes, or an include stands where its text would be."""
        self._flush()
        self.after_blank = True     # a container inside a list item leaves the list open
        self.after_container = True
        fields = line.split(FIELD)
        if fields[0] == OPEN:
            self.builder.open_callout(fields[1] if len(fields) > 1 else "note",
                                      inline_to_text(fields[2])[0] if len(fields) > 2 else "")
        elif fields[0] == CLOSE:
            self.builder.close_callout()
        elif fields[0] == INCLUDE:
            self._include(_spec(fields))
        elif fields[0] == GENERATED and len(fields) > 1:
            self.builder.add_generated_reference(fields[1])

    def _include(self, spec) -> None:
        """The included file's text where the include stood (its code, for a code include); a note
        naming the file when the snapshot does not have it (or the bounds refuse it)."""
        included = self.includes.resolve(spec) if self.includes is not None else None
        if included is None:
            self.builder.add_note(include_note(spec.target))
        elif spec.as_code:
            self.builder.add_code(spec.language or language_of(included.path), included.text)
        else:
            _add_included(self.builder, included, self.includes, self.indented_code)

    def _heading(self, level: int, text: str) -> None:
        self._flush()
        self.in_list = False
        plain, links = inline_to_text(_without_custom_anchor(text), self.references)
        self.builder.add_heading(level, plain)
        for target, label in links:
            self.builder.add_link(target, label)

    def _quote(self, line: str) -> None:
        line = _QUOTES.sub("", line, count=1).strip()
        if (alert := _ALERT.match(line)) and not self.in_alert:
            self._flush()
            self.builder.open_callout(alert.group(1))
            self.in_alert = True
        line = line[alert.end():] if alert else line
        if line:
            self.paragraph.append(line)
        else:
            self._flush()

    def _table(self, lines: list[str], index: int) -> int:
        self._flush()
        rows = [lines[index]]
        index += 2  # the header row, then past the delimiter row
        while index < len(lines) and "|" in lines[index] and lines[index].strip():
            rows.append(lines[index])
            index += 1
        table = []
        for row in rows:
            cells = [cell.strip() for cell in _cells(row.strip().strip("|"))]
            plain, links = inline_to_text(", ".join(cell for cell in cells if cell), self.references)
            table.append((_as_sentence(plain), [inline_to_markdown(cell, self.references).strip() for cell in cells]))
            for target, label in links:
                self.builder.add_link(target, label)
        self.builder.add_table(table)
        return index

    def _flush(self) -> None:
        if self.paragraph:
            self._prose(" ".join(self.paragraph), self.item_marker)
            self.paragraph = []
        self.item_marker = ""

    def _prose(self, text: str, list_marker: str = "") -> None:
        plain, links = inline_to_text(text, self.references)
        if list_marker:
            plain = _as_sentence(plain)
        markdown = inline_to_markdown(text, self.references).strip()
        self.builder.add_prose(plain, markdown, list_marker if markdown else "", raw_html_removed=True)
        for target, label in links:
            self.builder.add_link(target, label)

    def _flush_code(self) -> None:
        if self.code:
            self.builder.add_code("", "\n".join(self.code))
            self.code = []


def _may_be_list_item(line: str) -> bool:
    """Whether the line's first non-blank could open a list item (_LIST_ITEM)."""
    first = line.lstrip()[:1]
    return first in ("-", "*", "+", "•") or first.isdecimal()


def _is_attribute_list(line: str) -> bool:
    """`{: .class }` (kramdown: anything but braces) or `{#id .class key="value"}`, indented at
    most three spaces, nothing after it but blanks."""
    start = len(line) - len(line.lstrip(" "))
    end = len(line.rstrip(" \t"))
    if start > 3 or not line.startswith("{", start) or end < start + 2 or line[end - 1] != "}":
        return False
    inner = line[start + 1:end - 1]
    if inner.startswith(":"):
        return len(inner) <= 1 + _LONGEST_KRAMDOWN_ATTRIBUTES and "{" not in inner and "}" not in inner
    position = count = 0
    while position < len(inner):
        if count and inner[position] not in " \t":
            return False            # two attributes not apart
        attribute = _ATTRIBUTE.match(inner, position)
        if attribute is None:
            return count > 0 and not inner[position:].strip(" \t")
        count += 1
        if count > _MOST_ATTRIBUTES:
            return False
        position = attribute.end()
    return count > 0


def _cells(row: str) -> list[str]:
    """A table row split at each `|` that is not escaped (`\\|` is a pipe inside a cell)."""
    cells, start = [], 0
    pipe = row.find("|")
    while pipe >= 0:
        if pipe == 0 or row[pipe - 1] != "\\":
            cells.append(row[start:pipe])
            start = pipe + 1
        pipe = row.find("|", pipe + 1)
    cells.append(row[start:])
    return cells


def _as_sentence(plain: str) -> str:
    """A table row or list item is still a sentence for the analysis."""
    if plain.strip() and plain.rstrip()[-1:].isalnum() and len(plain.split()) > 1:
        return plain.rstrip() + "."
    return plain


def _without_custom_anchor(heading: str) -> str:
    """`Install {#setup}`, `Install {: #setup .wide }` (attr_list) → `Install`: the attributes run
    from the last `{` to a final `}` and start with `#`, `.` or `:`. String code: a pattern here
    rescanned the line from every `{`."""
    text = heading.rstrip()
    if not text.endswith("}"):
        return heading
    start = text.rfind("{", 0, len(text) - 1)
    inner = text[start + 1:-1].strip() if start >= 0 else ""
    return text[:start].rstrip() if inner[:1] in ("#", ".", ":") and "{" not in inner else heading


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
