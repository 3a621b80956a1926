"""What every format parser shares: a builder that collects headings, prose, code and links in
reading order and turns them into a `ParsedDocument`, plus the small text helpers (slugs,
humanised file names, word counts) the parsers and the title rules need."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shared import linear_regex
from shared.cjk import split_for_counting
from shared.docs.formats import without_extension
from shared.docs.html_text import strip_raw_html
from shared.docs.markdown_out import (callout_label, escape_markdown, fenced_block, generated_reference_note,
                                      table_markdown)
from shared.docs.model import CodeBlock, Heading, Link, ParsedDocument, Section

MAX_TITLE_CHARS = 200
_WORD = linear_regex.compile(r"\w+(?:['’.\-]\w+)*")
_NOT_SLUG = linear_regex.compile(r"[^\w\- ]")
_NUMBER_PREFIX = linear_regex.compile(r"^\d+[-_. ]+")
_SEPARATORS = linear_regex.compile(r"[-_.\s]+")
# Punctuation that ends a word; a whole run of blanks (after no blank) before it is closed up
# (close_gaps_before_punctuation).
_ENDS_WORD = ",.;:!?)]"
_SPACE_BEFORE_PUNCTUATION = linear_regex.compile(rf"\s+([{linear_regex.escape(_ENDS_WORD)}])")
# How the inline parsers hand a cross-reference (`{ref}`label``) to `add_link` among the links:
# a control character the sanitised input never holds, so no written target can start with it.
REFERENCE_MARK = "\x02ref:"
_Item = TypeVar("_Item")


def normalise_space(text: str) -> str:
    return " ".join(text.split())  # blanks collapsed (split cuts at every blank `\s` means)


def close_gaps_before_punctuation(text: str) -> str:
    """"see the note ." → "see the note.": the blank that removed markup (an image, a footnote
    mark) leaves before punctuation. The inline parsers call it while code is set aside, so the
    blank in `pip install .` or "or `...`" is the author's and stays. Only before punctuation
    that ends a word (a blank, more of that punctuation or the end follows): the blank in
    "send `.get()`" is kept."""
    if not any(mark in text for mark in _ENDS_WORD):  # the search costs more than these tests
        return text
    found = []
    # Each match but the first starts after punctuation, so where its run of blanks starts, and
    # one refused is passed whole.
    for match in _SPACE_BEFORE_PUNCTUATION.finditer(text):
        after = text[match.end():match.end() + 1]
        if not after or after.isspace() or after in _ENDS_WORD:
            found.append((match.start(), match.end(), match))
    return sub_matches(found, lambda match: match.group(1), text)


def sub_matches(matches: list[tuple[int, int, _Item]], replace: Callable[[_Item], str], text: str) -> str:
    """`text` with each (start, end, item) span replaced by `replace(item)`, the spans found before
    any is replaced: linear_regex keeps one text's encoding at a time and converts offsets onwards
    from the last search, so a `replace` that runs a pattern on another text between two searches
    of this one would have it encoded again, and offsets converted from its start, per match."""
    if not matches:
        return text
    pieces, copied = [], 0
    for start, end, item in matches:
        pieces += [text[copied:start], replace(item)]
        copied = end
    return "".join(pieces) + text[copied:]


def sub_each(pattern: linear_regex.Pattern, replace: Callable[[linear_regex.Match], str], text: str) -> str:
    """`pattern.sub(replace, text)` for a `replace` that may run patterns (`sub_matches`)."""
    return sub_matches([(match.start(), match.end(), match) for match in pattern.finditer(text)], replace, text)


class Marked:
    """A substitution tried only on a text holding one of `marks`, which every match of `pattern`
    holds: a linear_regex pattern (replaced as `sub_each`), an `Unattached` or an `InlineMacro`.
    An `in` test costs a small part of a search, and an inline parser runs a dozen patterns on
    each paragraph and list item however short: a file of two-character list items paid them all
    on every line."""

    def __init__(self, marks: str | tuple[str, ...], pattern: Any):
        self.marks = (marks,) if isinstance(marks, str) else marks
        self.pattern = pattern

    def sub(self, replace: Callable[[Any], str], text: str) -> str:
        for mark in self.marks:
            if mark in text:
                break
        else:
            return text
        if isinstance(self.pattern, linear_regex.Pattern):
            return sub_each(self.pattern, replace, text)
        return self.pattern.sub(replace, text)


def is_word_character(character: str) -> bool:
    """`re`'s `\\w`."""
    return character.isalnum() or character == "_"


class Unattached:
    """`plain|(?<![\\w<not_before>])body(?![\\w<not_after>])` replaced as `re.sub` would: `body`
    neither right after nor right before a word character or one of the characters given (None:
    either side unchecked), `plain` an alternative tried first at each position. RE2 has no
    look-around: the patterns read the character before the body and the one after it (where
    the body's lazy repetitions stretch until it fits), not the match's. Each search starts after
    the last match and the character read after it (linear_regex converts offsets onwards only),
    so no match may start with a character it may be followed by. Neither alternative matches
    empty."""

    def __init__(self, body: str, not_before: str | None, not_after: str | None = None, plain: str = ""):
        checked = f"(?:{body})" + ("" if not_after is None else f"([^\\w{linear_regex.escape(not_after)}]|$)")
        either = f"(?:{plain})|{checked}" if plain else checked
        self._anchored = linear_regex.compile(either)  # where the body may start
        self._after = 0 if not_after is None else self._anchored.groups  # the character after the body
        # Where the body may not start: `plain` alone (`\b\B` never holds), the groups numbered alike.
        self._plain = linear_regex.compile(f"(?:{plain})|\\b\\B{checked}") if plain else None
        self._not_before = not_before or ""
        if not_before is None:
            self._elsewhere, self._skip = self._anchored, 0
        else:
            # One character before either alternative: the leftmost match is the leftmost by where
            # it really starts, and `plain` still comes first there.
            before = f"[^\\w{linear_regex.escape(not_before)}]"
            self._elsewhere = linear_regex.compile(f"(?s:.)(?:{plain})|{before}{checked}" if plain else before + checked)
            self._skip = 1

    def matches(self, text: str) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
        """(start, end, the match's spans) of each match, without the characters read around it.
        Spans, not matches: a text of `*a*` pairs holds a match every few characters, and the
        garbage collector walked them all on each collection (nearly half the time)."""
        found, position, may_start = [], 0, True  # may_start: the body may start at `position`
        while position <= len(text):
            here = self._anchored if may_start else self._plain
            match, start = (here.match(text, position) if self._skip and here is not None else None), position
            if match is None:
                if (match := self._elsewhere.search(text, position)) is None:
                    break
                start = match.start() + self._skip
            end = match.start(self._after) if self._after and match.start(self._after) >= 0 else match.end()
            found.append((start, end, match.spans()))
            position = match.end()
            may_start = not (is_word_character(text[position - 1]) or text[position - 1] in self._not_before)
        return found

    def sub(self, replace: Callable[[linear_regex.Match], str], text: str) -> str:
        pattern, length = self._anchored, len(text)  # every pattern numbers the groups alike
        return sub_matches(self.matches(text),
                           lambda spans: replace(linear_regex.Match(pattern, text, 0, length, list(spans))), text)


def count_words(text: str) -> int:
    rest, cjk_words = split_for_counting(text)  # CJK writes no blanks: its characters are counted
    return len(_WORD.findall(rest)) + round(cjk_words)


def github_slug(text: str) -> str:
    """GitHub's heading anchors: lower case, punctuation dropped (letters of any script kept),
    spaces become hyphens."""
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def normalise_label(label: str) -> str:
    """A Sphinx label as Sphinx compares it: lower case, blanks collapsed (`My Label` = `my label`)."""
    label = " ".join(label.strip().strip("`").split()).lower()
    return label if len(label) <= 200 else ""


def humanise_file_name(path: str) -> str:
    """`docs/getting-started.md` → "Getting started"; an index or README is named after its
    folder, because "Index" tells a learner nothing."""
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    if not parts:
        return "Untitled"
    stem = without_extension(parts[-1])
    if stem.lower() in {"index", "readme", "_index"} and len(parts) > 1:
        stem = parts[-2]
    words = _SEPARATORS.sub(" ", _NUMBER_PREFIX.sub("", stem)).strip() or stem.strip()
    if not words:
        return "Untitled"
    return (words[0].upper() + words[1:])[:MAX_TITLE_CHARS]


class DocumentBuilder:
    """Receives a document's parts in reading order. Parsers hand over plain text (markup already
    removed); the builder splits it into sections and keeps anchors unique like GitHub does."""

    def __init__(self, path: str, format: str):
        self.path = path  # as given: the caller's key; the corpus compares normalised forms
        self.format = format
        self.front_matter: dict = {}
        self._headings: list[Heading] = []
        self._sections: list[Section] = []
        self._code: list[CodeBlock] = []
        self._links: list[Link] = []
        self._labels: list[str] = []
        self._references: list[str] = []
        self._generated: list[str] = []
        self._paragraphs: list[str] = []
        self._anchors: dict[str, int] = {}
        self._section_heading: Heading | None = None
        self._section_text: list[str] = []
        self._section_code: list[CodeBlock] = []
        # Markdown blocks of the open section in the source's order (prose, list items, tables,
        # code), each with the callout it belongs to (0: none) and, for a list item, its list's
        # kind ("-" or "1.").
        self._section_markdown: list[tuple[str, int, str]] = []
        self._section_lists: list[list[str]] = []  # each list's items, as `Section.lists`
        self._callouts: list[int] = []   # open callouts, innermost last
        self._callout_count = 0
        self._prose_before_headings = False  # text or code came before the first heading

    def add_heading(self, level: int, text: str) -> None:
        text = normalise_space(text)[:MAX_TITLE_CHARS]
        if not text:
            return
        if not self._headings:
            self._prose_before_headings = bool(self._paragraphs or self._code)
        self._close_section()
        heading = Heading(min(max(level, 1), 6), text, self._unique_anchor(github_slug(text)))
        self._headings.append(heading)
        self._section_heading = heading

    def add_prose(self, text: str, markdown: str | None = None, list_marker: str = "",
                  raw_html_removed: bool = False) -> None:
        """A paragraph as plain text, and as Markdown when the parser kept its inline markup
        (else the plain text, escaped). With `list_marker` ("-", "1.") it is a list item, kept in
        one list with the items next to it. `raw_html_removed`: the parser removed raw HTML
        itself, where it could still tell inline code from HTML."""
        # Last line of defence for formats whose parsers do not pre-strip raw HTML; plain text
        # that only mentions "<script>" is kept. Not where the parser already did it: the plain
        # text no longer shows which "<script>…</script>" was inline code (Starlette's "if a user
        # submits `<script>…</script>` as their name" lost its example).
        if "<" in text and not raw_html_removed:
            text = strip_raw_html(text, unclosed_runs_to_end=False)
        text = normalise_space(text)
        if text:
            self._section_text.append(text)
            self._paragraphs.append(text)
            markdown = normalise_space(markdown) if markdown is not None else escape_markdown(text)
            markdown = markdown or escape_markdown(text)
            kind = "" if not list_marker else "1." if list_marker[0].isdigit() else "-"
            if kind:
                self._add_list_item(text, kind)
            self._add_markdown(f"{list_marker} {markdown}" if list_marker else markdown, kind)

    def add_table(self, rows: list[tuple[str, list[str]]]) -> None:
        """A table: each row as plain text (prose to analyse) and as its cells' inline Markdown;
        the reader gets the table itself."""
        for plain, _ in rows:
            plain = normalise_space(plain)
            if plain:
                self._section_text.append(plain)
                self._paragraphs.append(plain)
        if rows:
            self._add_markdown(table_markdown([cells for _, cells in rows]))

    def add_note(self, markdown: str) -> None:
        """Markdown for the reader only (say, where an include was): not prose to analyse."""
        if markdown.strip():
            self._add_markdown(markdown.strip())

    def open_callout(self, kind: str, title: str = "") -> None:
        """An admonition, alert or hint: what follows, until `close_callout`, is its body. A
        callout inside another is flattened into it, with its own label."""
        if not self._callouts:
            self._callout_count += 1
            self._callouts.append(self._callout_count)
        else:
            self._callouts.append(self._callouts[-1])
        self._add_markdown(f"**{escape_markdown(callout_label(kind, title))}**")

    def close_callout(self) -> None:
        if self._callouts:
            self._callouts.pop()

    def _add_list_item(self, text: str, kind: str) -> None:
        """An item continues the list of the block before it when `_joined` writes them as one."""
        last = self._section_markdown[-1] if self._section_markdown else None
        callout = self._callouts[-1] if self._callouts else 0
        if last is not None and last[2] == kind and last[1] == callout and self._section_lists:
            self._section_lists[-1].append(text)
        else:
            self._section_lists.append([text])

    def _add_markdown(self, block: str, list_kind: str = "") -> None:
        self._section_markdown.append((block, self._callouts[-1] if self._callouts else 0, list_kind))

    def add_code(self, language: str, code: str) -> None:
        code = code.strip("\n")
        if code.strip():
            block = CodeBlock(language.strip().lower()[:40], code)
            self._code.append(block)
            self._section_code.append(block)
            self._add_markdown(fenced_block(code, block.language))

    def add_generated_reference(self, target: str) -> None:
        """Where the documentation builds a reference from the code (`.. automodule:: pkg.mod`,
        `::: pkg.mod.Object`): the reader gets a note, the analysis the object's name."""
        target = " ".join(target.split())[:200]
        if target:
            self.add_note(generated_reference_note(target))
            self._generated.append(target)

    def add_label(self, label: str) -> None:
        """A cross-reference target the document declares (`(install)=`, `.. _install:`)."""
        label = normalise_label(label)
        if label and label not in self._labels:
            self._labels.append(label)

    def add_link(self, target: str, text: str = "") -> None:
        if target.startswith(REFERENCE_MARK):
            label = normalise_label(target[len(REFERENCE_MARK):])
            if label and label not in self._references:
                self._references.append(label)
            return
        target = target.strip()
        if target and len(target) <= 2000:
            self._links.append(Link(target, normalise_space(text)[:300]))

    def build(self) -> ParsedDocument:
        self._close_section()
        text = "\n\n".join(self._paragraphs)
        return ParsedDocument(
            path=self.path, format=self.format, title=self._title(), headings=tuple(self._headings),
            sections=tuple(self._sections), code_blocks=tuple(self._code), links=tuple(self._links),
            text=text, word_count=count_words(text), front_matter=dict(self.front_matter),
            labels=tuple(self._labels), references=tuple(self._references),
            generated_references=tuple(self._generated))

    def _title(self) -> str:
        """A level-1 heading, else the front matter's title, else a lower heading that opens the
        document. A lower heading after the opening prose names a section, not the page (MkDocs
        pages often have no heading of their own: the navigation names them), so the file names it."""
        declared = normalise_space(str(self.front_matter.get("title", "")))[:MAX_TITLE_CHARS]
        first = self._headings[0] if self._headings else None
        if first is not None and first.level == 1:
            return first.text
        if declared:
            return declared
        if first is not None and not self._prose_before_headings:
            return first.text
        return humanise_file_name(self.path)

    def _unique_anchor(self, slug: str) -> str:
        seen = self._anchors.get(slug)
        self._anchors[slug] = 0 if seen is None else seen + 1
        return slug if seen is None else f"{slug}-{seen + 1}"

    def _close_section(self) -> None:
        if self._section_heading is not None or self._section_text or self._section_code \
                or self._section_markdown:
            self._sections.append(Section(self._section_heading, "\n\n".join(self._section_text),
                                          tuple(self._section_code), _joined(self._section_markdown),
                                          tuple(tuple(items) for items in self._section_lists)))
        self._section_heading, self._section_text, self._section_code = None, [], []
        self._section_markdown, self._section_lists = [], []


def _joined(blocks: list[tuple[str, int, str]]) -> str:
    """Blocks apart by blank lines, list items next to each other one line apart (one tight
    list); a callout's blocks quoted together, as one block quote."""
    out: list[str] = []
    previous, previous_kind = 0, ""
    for block, callout, list_kind in blocks:
        same_list = bool(list_kind) and list_kind == previous_kind and callout == previous
        if callout:
            quoted = "\n".join(f"> {line}" if line else ">" for line in block.split("\n"))
            out.append(("\n" if same_list else "\n>\n" if callout == previous else "\n\n") + quoted)
        else:
            out.append(("\n" if same_list else "\n\n") + block)
        previous, previous_kind = callout, list_kind
    return "".join(out).strip("\n")
