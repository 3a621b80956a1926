"""The documentation formats coursegen reads: one line each, its name, its file extensions and its
parser. Every part that asks "is this a document?" or "which file is this link to a page?" —
stage 1's scan and sparse clone, the reading order, link resolution, titles, the export — takes the
extensions from here, so a new format is its parser module and one line below.

A parser is named by its module and function and imported when first used: the parts that only
need the extensions (the cloner, the scanner) do not load every parser."""
from __future__ import annotations

import importlib
import posixpath
from dataclasses import dataclass
from functools import cache
from typing import Callable

from shared.docs.model import ParsedDocument


@dataclass(frozen=True)
class DocumentFormat:
    name: str
    extensions: tuple[str, ...]   # lower case, with the dot; the first is the usual one
    parser: str                   # "module:function", called as function(path, text[, includes=...])
    resolves_includes: bool = False  # reads included files from the snapshot (others show a note)


FORMATS: tuple[DocumentFormat, ...] = (
    DocumentFormat("markdown", (".md", ".markdown"), "shared.docs.markdown:parse_markdown", resolves_includes=True),
    DocumentFormat("mdx", (".mdx",), "shared.docs.mdx:parse_mdx", resolves_includes=True),
    DocumentFormat("restructuredtext", (".rst",), "shared.docs.rst:parse_rst", resolves_includes=True),
    DocumentFormat("asciidoc", (".adoc", ".asciidoc"), "shared.docs.asciidoc:parse_asciidoc", resolves_includes=True),
    DocumentFormat("notebook", (".ipynb",), "shared.docs.notebook:parse_notebook"),
    # Quarto's Markdown: front matter, Pandoc Markdown and code cells, read as Markdown.
    DocumentFormat("quarto", (".qmd",), "shared.docs.markdown:parse_markdown", resolves_includes=True),
    DocumentFormat("text", (".txt",), "shared.docs.plaintext:parse_text"),
)
# Every document extension, in the order above: a link without an extension tries them in this order.
DOC_EXTENSIONS: tuple[str, ...] = tuple(extension for f in FORMATS for extension in f.extensions)
_BY_EXTENSION = {extension: f for f in FORMATS for extension in f.extensions}
# What a link to a page may leave out: its extension, or the index page of the folder it names.
LINKED_PAGE_SUFFIXES: tuple[str, ...] = ("", *DOC_EXTENSIONS, "/index.md", "/README.md", "/index.rst")


def format_of(path: str) -> DocumentFormat | None:
    """The format of a file by its extension (any case), or None for a file that is no document."""
    return _BY_EXTENSION.get(posixpath.splitext(path.lower())[1])


def is_document(path: str) -> bool:
    return format_of(path) is not None


def extensions_of(*names: str) -> tuple[str, ...]:
    """The extensions of the named formats, in the registry's order."""
    unknown = set(names) - {f.name for f in FORMATS}
    if unknown:
        raise KeyError(f"no document format named {sorted(unknown)}")
    return tuple(extension for f in FORMATS if f.name in names for extension in f.extensions)


def without_extension(name: str) -> str:
    """`name` without its document extension (any case), if it has one."""
    return name[: -len(posixpath.splitext(name)[1])] if is_document(name) else name


@cache
def parser_of(document_format: DocumentFormat) -> Callable[..., ParsedDocument]:
    module, _, function = document_format.parser.partition(":")
    parser: Callable[..., ParsedDocument] = getattr(importlib.import_module(module), function)
    return parser
