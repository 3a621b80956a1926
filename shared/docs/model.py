"""A documentation file parsed into structure, whatever its format (Markdown, MDX,
reStructuredText, AsciiDoc, notebooks, plain text). Produced by `shared.docs.parsing.parse`."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    level: int          # 1 = document title level
    text: str           # plain text, markup removed
    anchor: str         # GitHub-style slug of the text


@dataclass(frozen=True)
class Section:
    heading: Heading | None     # None for text before the first heading
    text: str                   # plain prose of the section, markup removed, code excluded
    code: tuple["CodeBlock", ...] = ()
    # The same prose as Markdown: inline code, emphasis and links kept (link targets as written),
    # callouts as labelled block quotes, unresolved includes as a note. Blocks separated by blank
    # lines; everything else escaped. Empty for sections built by hand (`text` is then the prose).
    markdown: str = ""
    # Each list of the section, its items' plain text in order (the same strings as `text`'s
    # paragraphs): what was a list item, without reading the Markdown again.
    lists: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class CodeBlock:
    language: str       # "" when unknown
    code: str


@dataclass(frozen=True)
class Link:
    target: str         # as written: URL, relative path, path#anchor
    text: str


@dataclass(frozen=True)
class ParsedDocument:
    path: str                       # repository-relative POSIX path
    format: str                     # markdown | mdx | rst | asciidoc | notebook | text
    title: str                      # level-1 heading, front-matter title, opening heading or file name
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]
    code_blocks: tuple[CodeBlock, ...]
    links: tuple[Link, ...]
    text: str                       # all prose, markup and code removed, paragraphs separated by blank lines
    word_count: int                 # words of prose (code not counted)
    front_matter: dict = field(default_factory=dict)
    # Sphinx cross-reference labels (lower case, as Sphinx compares them): those the document
    # declares (MyST `(label)=`, rST `.. _label:`) and those it refers to (`{ref}`/`:ref:`), in
    # order. A reference names a label, not a file: the corpus resolves it to the declaring document.
    labels: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Objects whose reference the documentation builds from the code (Sphinx autodoc, mkdocstrings):
    # named in the source, their text is not in it.
    generated_references: tuple[str, ...] = ()
