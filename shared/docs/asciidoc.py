"""AsciiDoc → structure: `include::` lines expanded from the repository first (as Asciidoctor's
preprocessor does; one that cannot be resolved is a note naming its file), `=` titles, attribute entries (kept as front matter, never prose),
block attributes such as `[source,python]`, delimited blocks (listing/literal code, example and
sidebar bodies as prose, tables as prose rows, comments and passthroughs dropped) and lists."""
from __future__ import annotations

from shared import linear_regex
from shared.docs.asciidoc_inline import asciidoc_inline_to_markdown, asciidoc_inline_to_text
from shared.docs.formats import format_of
from shared.docs.includes import ASCIIDOC_ATTRIBUTE, Includes, asciidoc_spec, asciidoc_target
from shared.docs.markdown_out import include_note
from shared.docs.builder import DocumentBuilder
from shared.docs.model import ParsedDocument

_ATTRIBUTE_ENTRY = linear_regex.compile(r"^:(!?[\w][\w-]{0,60}!?):(?:\s+(.*))?$")
_BLOCK_ATTRIBUTES = linear_regex.compile(r"^\[(.*)\]$")
_BLOCK_TITLE = linear_regex.compile(r"^\.[^.\s]")
_DELIMITER = linear_regex.compile(r"^(-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,}|/{4,}|-{2}|\|={3,}|```\w*)$")
# The first `[` before any blank: `\S*\[.*\]` tried every `[` and rescanned the line from each.
_BLOCK_MACRO = linear_regex.compile(r"^[a-z][\w-]*+::[^\s\[]*+\[.*\]$")
_ADMONITION = linear_regex.compile(r"^(NOTE|TIP|IMPORTANT|WARNING|CAUTION):\s+")
_ADMONITION_STYLES = {"note", "tip", "important", "warning", "caution"}
_LIST_ITEM = linear_regex.compile(r"^\s*(?:\*{1,5}|-|\.{1,5}|\d+\.|[a-z]\.)\s+(?:\[[ x*]\]\s+)?(.*)$")
# A description list item (`term:: text`), unless the line starts with a URL (`_description`).
_DESCRIPTION = linear_regex.compile(r"^(.+?)(?::{2,4}|;;)(?:\s+(.*))?$")
_URL = linear_regex.compile(r"\w+://")
_CODE_BLOCKS = ("----", "....", "```")
_PROSE_BLOCKS = ("====", "****", "____", "--")


def _title(line: str) -> tuple[int, str] | None:
    """(level, text) of a section title (`== Text`, optionally closed by the same marks), else
    None. String code: as a pattern (`(\\S.*?)(?:\\s+\\1)?\\s*$`) a long run of blanks backtracked."""
    marks = line[:1]
    if marks not in ("=", "#"):
        return None
    level = len(line) - len(line.lstrip(marks))
    rest = line[level:]
    if level > 6 or not rest[:1].isspace() or not rest.strip():
        return None
    text = rest.strip()
    closing = marks * level
    if text.endswith(closing) and len(text) > level and text[-level - 1].isspace():
        text = text[:-level].rstrip()
    return level, text


def _description(line: str) -> linear_regex.Match | None:
    return None if _URL.match(line) else _DESCRIPTION.match(line)


class _Parser:
    def __init__(self, path: str):
        self.builder = DocumentBuilder(path, "asciidoc")
        self.attributes: dict[str, str] = {}
        self.pending: list[str] = []  # the last `[…]` block attribute line's values
        self.paragraph: list[str] = []
        self.at_start = True  # nothing but attribute entries seen yet
        self.callout = ""  # the kind when the paragraph being gathered is a `NOTE:` one
        self.block_title = ""  # the last `.Title` line: a callout block's title

    def parse(self, lines: list[str], depth: int = 0) -> None:
        index = 0
        while index < len(lines):
            index = self._line(lines, index, depth)
        self._flush()

    def _line(self, lines: list[str], index: int, depth: int) -> int:
        line = lines[index]
        stripped = line.strip()
        if stripped and not _ATTRIBUTE_ENTRY.match(stripped) and not stripped.startswith("//") \
                and not _title(line):
            self.at_start = False
        if not stripped:
            self._flush()
        elif stripped.startswith("//") and not stripped.startswith("////"):
            pass  # a comment line
        elif entry := _ATTRIBUTE_ENTRY.match(stripped):
            self._flush()
            name, value = entry.group(1).strip("!"), (entry.group(2) or "").strip()
            self.attributes[name] = value
            self.builder.front_matter.setdefault(name, value)
        elif (title := _title(line)) and not self.paragraph:
            self._flush()
            level, text = title
            document_title, self.at_start = level == 1 and self.at_start, False
            self._heading(level, text)
            return self._skip_author_lines(lines, index + 1) if document_title else index + 1
        elif _DELIMITER.match(stripped):
            self._flush()
            return self._delimited(lines, index, depth)
        elif block := _BLOCK_ATTRIBUTES.match(stripped):
            self._flush()
            self.pending = [value.strip() for value in block.group(1).split(",")]
        elif stripped.startswith(UNRESOLVED):
            self._flush()
            self.builder.add_note(include_note(stripped[len(UNRESOLVED):]))
        elif stripped.startswith("include::") and _BLOCK_MACRO.match(stripped):
            self._flush()
            self.builder.add_note(include_note(stripped[len("include::"):stripped.index("[")]))
        elif _BLOCK_TITLE.match(stripped) or _BLOCK_MACRO.match(stripped) or stripped == "+":
            self._flush()
            self.block_title = stripped[1:].strip() if _BLOCK_TITLE.match(stripped) else ""
        elif not self.paragraph and line[:1] == " " and not _LIST_ITEM.match(line):
            return self._literal_paragraph(lines, index)
        elif item := _LIST_ITEM.match(line):
            self._flush()
            self.paragraph.append(item.group(1))
        elif (description := _description(stripped)) and not self.paragraph:
            self.paragraph.append(f"{description.group(1)}: {description.group(2) or ''}".strip())
        elif not self.paragraph and (admonition := _ADMONITION.match(stripped)):
            self.callout = admonition.group(1).lower()
            self.paragraph.append(stripped[admonition.end():])
        else:
            if not self.paragraph and self.pending and self.pending[0].lower() in _ADMONITION_STYLES:
                self.callout = self.pending[0].lower()   # `[NOTE]` over a paragraph
            self.paragraph.append(stripped)
        return index + 1

    def _heading(self, marks: int, text: str) -> None:
        plain, _ = asciidoc_inline_to_text(text, self.attributes)
        self.builder.add_heading(marks, plain)
        self.pending = []

    def _skip_author_lines(self, lines: list[str], index: int) -> int:
        """The author and revision lines that may directly follow the document title."""
        for _ in range(2):
            line = lines[index].strip() if index < len(lines) else ""
            if not line or _ATTRIBUTE_ENTRY.match(line) or _BLOCK_ATTRIBUTES.match(line) \
                    or line.startswith("//"):
                break
            index += 1
        return index

    def _delimited(self, lines: list[str], index: int, depth: int) -> int:
        delimiter = lines[index].strip()
        end = index + 1
        closing = "```" if delimiter.startswith("```") else delimiter
        while end < len(lines) and lines[end].strip() != closing:
            end += 1
        body = lines[index + 1:end]
        style = self.pending[0].lower() if self.pending else ""
        if delimiter.startswith(_CODE_BLOCKS) and style not in {"verse", "quote"}:
            missing = [line.strip()[len(UNRESOLVED):] for line in body if line.strip().startswith(UNRESOLVED)]
            code = [line for line in body if not line.strip().startswith(UNRESOLVED)]
            if any(line.strip() for line in code):
                self.builder.add_code(self._language(delimiter), "\n".join(code))
            for target in missing:
                self.builder.add_note(include_note(target))
        elif delimiter.startswith("|="):
            for row in body:
                if row.strip().startswith(UNRESOLVED):
                    self.builder.add_note(include_note(row.strip()[len(UNRESOLVED):]))
                else:
                    self._prose(", ".join(cell.strip() for cell in row.split("|") if cell.strip()))
        elif delimiter.startswith(_PROSE_BLOCKS) and depth < 12:
            callout = style if style in _ADMONITION_STYLES else ""
            title, self.pending, self.block_title = self.block_title, [], ""
            if callout:
                self.builder.open_callout(callout, title)
            self.parse(body, depth + 1)
            if callout:
                self.builder.close_callout()
        self.pending = []
        return end + 1

    def _language(self, delimiter: str) -> str:
        if delimiter.startswith("```"):
            return delimiter[3:]
        if len(self.pending) > 1 and self.pending[0] in {"source", "listing", ""}:
            return self.pending[1]
        if self.pending and self.pending[0] not in {"source", "listing", "literal"} and \
                "=" not in self.pending[0]:
            return self.pending[0]  # `[bash]` as a shorthand for `[source,bash]`
        return ""

    def _literal_paragraph(self, lines: list[str], index: int) -> int:
        end = index
        while end < len(lines) and lines[end].strip():
            end += 1
        block = lines[index:end]
        margin = min(len(line) - len(line.lstrip(" ")) for line in block)
        self.builder.add_code("", "\n".join(line[margin:] for line in block))
        return end

    def _flush(self) -> None:
        if self.paragraph:
            if self.callout:
                self.builder.open_callout(self.callout, self.block_title)
            self._prose(" ".join(self.paragraph))
            if self.callout:
                self.builder.close_callout()
            self.paragraph = []
            self.pending = []
            self.block_title = ""
        self.callout = ""

    def _prose(self, text: str) -> None:
        plain, links = asciidoc_inline_to_text(text, self.attributes)
        self.builder.add_prose(plain, asciidoc_inline_to_markdown(text, self.attributes))
        for target, label in links:
            self.builder.add_link(target, label)


def parse_asciidoc(path: str, text: str, includes: Includes | None = None) -> ParsedDocument:
    parser = _Parser(path)
    parser.parse(_expanded(text, includes, path).split("\n"))
    return parser.builder.build()


# An include that could not be resolved, left by the preprocessor for the parser (which shows the
# note naming its file; in a code block, after the block). Parsers strip control characters from
# documents and included files alike (parsing._sanitise), so no text can forge it.
UNRESOLVED = "\x02include\x1f"


def _expanded(text: str, includes: Includes | None, path: str = "",
              attributes: dict[str, str] | None = None) -> str:
    """AsciiDoc's preprocessor: each `include::target[…]` line replaced by the lines it selects from
    the repository's file (an AsciiDoc file's own includes expanded in turn, within the Includes'
    bounds), or by the UNRESOLVED mark naming the target. A target's `{attribute}` references are
    the attributes defined above it; Antora's resource IDs name their module's folders."""
    if "include::" not in text:
        return text
    attributes = {} if attributes is None else attributes
    out = []
    for line in text.split("\n"):
        stripped = line.rstrip()
        if line.startswith(":") and (entry := ASCIIDOC_ATTRIBUTE.match(stripped)):
            attributes[entry["name"]] = (entry["value"] or "").strip()
        if not (line.startswith("include::") and stripped.endswith("]") and "[" in stripped):
            out.append(line)
            continue
        opening = stripped.index("[")
        written = stripped[len("include::"):opening]
        target = asciidoc_target(includes.current if includes else path, written, attributes)
        found = includes.resolve(asciidoc_spec(target, stripped[opening + 1:-1])) if includes else None
        if found is None:
            out.append(UNRESOLVED + written)
        elif (included_format := format_of(found.path)) is not None and included_format.name == "asciidoc":
            with includes.inside(found.path):  # type: ignore[union-attr]
                out.append(_expanded(found.text, includes, found.path, attributes))
        else:
            out.append(found.text)
    return "\n".join(out)
