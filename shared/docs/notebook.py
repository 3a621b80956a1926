"""Jupyter notebooks: Markdown cells are parsed as Markdown, code cells become code blocks in the
kernel's language, outputs and raw cells are ignored. nbformat 4 (`cells`) and 3 (`worksheets`)."""
from __future__ import annotations

import json

from shared import linear_regex
from shared.docs.builder import DocumentBuilder
from shared.docs.markdown import add_markdown
from shared.docs.model import ParsedDocument


# A kernel name's version ("python3"), at the end or before a final newline (as `re`'s `$`).
_VERSION = linear_regex.compile(r"[\d.]+(\n?)$")


class NotANotebook(ValueError):
    """The text is not notebook JSON; the caller falls back to plain text."""


def parse_notebook(path: str, text: str) -> ParsedDocument:
    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise NotANotebook(str(error)) from None
    if not isinstance(notebook, dict):
        raise NotANotebook("the JSON is not an object")
    builder = DocumentBuilder(path, "notebook")
    language = kernel_language(notebook.get("metadata"))
    for cell in _cells(notebook):
        kind = cell.get("cell_type")
        source = _source(cell.get("source", cell.get("input", "")))
        if kind == "markdown":
            add_markdown(builder, source)
        elif kind == "code":
            builder.add_code(language, source)
    return builder.build()


def kernel_language(metadata) -> str:
    """`language_info.name`, else the kernelspec's language, else its name without the version
    ("python3" → "python"); "" when the notebook does not say."""
    if not isinstance(metadata, dict):
        return ""
    info, spec = metadata.get("language_info"), metadata.get("kernelspec")
    for candidate in (info.get("name") if isinstance(info, dict) else None,
                      spec.get("language") if isinstance(spec, dict) else None,
                      _VERSION.sub(r"\1", spec.get("name") or "") if isinstance(spec, dict) else None):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip().lower()
    return ""


def _cells(notebook: dict) -> list[dict]:
    cells = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list) and notebook["worksheets"]:
        worksheet = notebook["worksheets"][0]
        cells = worksheet.get("cells") if isinstance(worksheet, dict) else None
    return [cell for cell in cells if isinstance(cell, dict)] if isinstance(cells, list) else []


def _source(source) -> str:
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""
