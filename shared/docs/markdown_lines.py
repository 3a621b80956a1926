"""Markdown line shapes that both the analysis parser and the site renderer recognise, written as
plain string code: as regular expressions (`(.*?)(?:[ \\t]+#+)?[ \\t]*$`) they backtracked, and a
heading of 20,000 spaces took 10 seconds. Each runs in time linear in the line."""
from __future__ import annotations

from shared import linear_regex

_DELIMITER_CELL = linear_regex.compile(r":?-+:?")
_MOST_INDENT = 3


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading (`## Title ##`), the optional closing run of `#` removed;
    None when the line is not one."""
    content = line.lstrip(" ")
    if len(line) - len(content) > _MOST_INDENT or not content.startswith("#"):
        return None
    level = len(content) - len(content.lstrip("#"))
    rest = content[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    text = rest.strip(" \t")
    unclosed = text.rstrip("#")
    if not unclosed:
        return level, ""  # `# ###`: the closing run alone
    if unclosed[-1] in " \t":
        text = unclosed.rstrip(" \t")  # `Title ##`; a `#` glued to the text (`C#`) stays
    return level, text


def is_table_delimiter(line: str) -> bool:
    """The `| --- | :-: |` row under a pipe table's header."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return all(_DELIMITER_CELL.fullmatch(cell.strip()) for cell in row.split("|"))
