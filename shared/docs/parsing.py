"""`parse(path, text)`: any documentation file → `ParsedDocument`, dispatching on the extension.
Never raises: a parser that fails on hostile or broken input falls back to plain text, and plain
text falls back to an empty document named after the file. A new format: its parser module
beside the others (into a DocumentBuilder) and its extensions here (docs/architecture.md)."""
from __future__ import annotations

import posixpath
import re

from shared.docs.asciidoc import parse_asciidoc
from shared.docs.builder import DocumentBuilder
from shared.docs.markdown import parse_markdown
from shared.docs.mdx import parse_mdx
from shared.docs.model import ParsedDocument
from shared.docs.notebook import parse_notebook
from shared.docs.plaintext import parse_text
from shared.docs.rst import parse_rst

_PARSERS = {".md": parse_markdown, ".markdown": parse_markdown, ".mdx": parse_mdx,
            ".rst": parse_rst, ".adoc": parse_asciidoc, ".asciidoc": parse_asciidoc,
            ".ipynb": parse_notebook}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Documentation this large is generated, not written; what lies beyond adds nothing to a course.
LONGEST_PARSED_TEXT = 2_000_000


def parse(path: str, text: str) -> ParsedDocument:
    path = path if isinstance(path, str) else str(path)
    text = _sanitise(text)
    parser = _PARSERS.get(posixpath.splitext(path.lower())[1], parse_text)
    try:
        return parser(path, text)
    except Exception:  # noqa: BLE001 — hostile input must degrade, never fail the stage
        pass
    try:
        return parse_text(path, text)
    except Exception:  # noqa: BLE001
        return DocumentBuilder(path, "text").build()


def _sanitise(text) -> str:
    """Newlines normalised, tabs expanded (indentation is structure), control characters and a
    byte-order mark removed — the parsers rely on NUL never occurring (placeholders)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[:LONGEST_PARSED_TEXT].replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return _CONTROL_CHARACTERS.sub("", text).expandtabs(4)
