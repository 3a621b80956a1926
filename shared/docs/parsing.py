"""`parse(path, text)`: any documentation file → `ParsedDocument`, dispatching on the extension;
`includes`, the repository files an include may bring in (shared/docs/includes.py), for the formats
that resolve them (Markdown, reStructuredText).
Never raises: a parser that fails on hostile or broken input falls back to plain text, and plain
text falls back to an empty document named after the file. A new format: its parser module
beside the others (into a DocumentBuilder) and its line in shared/docs/formats.py."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from shared import linear_regex
from shared.docs.builder import DocumentBuilder
from shared.docs.formats import format_of, parser_of
from shared.docs.front_matter import split_front_matter
from shared.docs.includes import Includes
from shared.docs.model import ParsedDocument
from shared.docs.plaintext import parse_text

_CONTROL_CHARACTERS = linear_regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Documentation this large is generated, not written; what lies beyond adds nothing to a course.
LONGEST_PARSED_TEXT = 2_000_000


def parse(path: str, text: str,
          includes: Mapping[str, str] | Callable[[str], str | None] | None = None) -> ParsedDocument:
    """`includes`: a repository path → that file's text (None, or absent, when the snapshot does not
    hold it)."""
    path = path if isinstance(path, str) else str(path)
    text = _sanitise(text)
    document_format = format_of(path)
    if document_format is not None and document_format.name == "markdown" and opens_as_mdx(text):
        document_format = format_of("page.mdx")
    parser = parse_text if document_format is None else parser_of(document_format)
    try:
        if includes is not None and document_format is not None and document_format.resolves_includes:
            return parser(path, text, includes=Includes(path, _reader(includes)))
        return parser(path, text)
    except Exception:  # noqa: BLE001 — hostile input must degrade, never fail the stage
        pass
    try:
        return parse_text(path, text)
    except Exception:  # noqa: BLE001
        return DocumentBuilder(path, "text").build()


# An ES module import: what MDX opens with, never a line of Markdown prose.
_ESM_IMPORT = linear_regex.compile(r"""^import\s+(?:[^\n'"]*\sfrom\s+)?['"][^'"\n]+['"];?\s*$""")


# A little of everything Markdown is read for, for warm_up_steps: a heading, emphasis, code, a
# link, a list, a fenced block.
_WARM_UP_TEXT = "# Warm up\n\nSome *text* with `code` and a [link](page.md).\n\n- an item\n\n```python\nx = 1\n```\n"


def warm_up_steps() -> Iterator[None]:
    """The Markdown parser imported and run once on a short text. A parser child takes these steps
    while it waits for documents (parse_worker.py): importing a format's parser compiles its
    patterns, and a child's first Markdown document took 0.2 s for it, on the run's critical path
    to its first provider call. Markdown only, the format most documentation is written in: readying
    every format made each child 22 MB larger, for runs that mostly have none of the others (their
    first document readies them, as before)."""
    parse("warm-up.md", _WARM_UP_TEXT)
    yield


def opens_as_mdx(text: str) -> bool:
    """Whether a Markdown file is MDX: its first line after the front matter is an ES module
    import. Docusaurus reads .md files as MDX, and sites write their imports and JSX in them."""
    if "import" not in text:  # every Markdown file is asked: most answer here
        return False
    first = split_front_matter(text)[1].lstrip().partition("\n")[0]
    return bool(_ESM_IMPORT.match(first.strip()))


def _reader(includes) -> Callable[[str], str | None]:
    lookup = includes.get if isinstance(includes, Mapping) else includes

    def read(path: str) -> str | None:
        text = lookup(path)
        return None if text is None else _sanitise(text)   # the same text rules as a document's
    return read


def _sanitise(text) -> str:
    """Newlines normalised, tabs expanded (indentation is structure), control characters and a
    byte-order mark removed — the parsers rely on NUL never occurring (placeholders)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[:LONGEST_PARSED_TEXT].replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return _CONTROL_CHARACTERS.sub("", text).expandtabs(4)
