"""Fenced code (``` and ~~~) splits a Markdown-family text into code and everything else. Done
first, so the later passes (raw HTML, JSX, block structure) never touch what is inside a fence."""
from __future__ import annotations

from dataclasses import dataclass

from shared import linear_regex

# Any indentation: fences nested in list items are indented by the item's width.
_OPEN = linear_regex.compile(r"^(\s*)(`{3,}|~{3,})([^`]*)$")


@dataclass(frozen=True)
class Fenced:
    language: str
    code: str
    directive: str = ""     # a MyST directive written as a fence (```{toctree}): its name, lower case
    argument: str = ""      # and what follows the name on the opening line


def split_fenced(lines: list[str]) -> list[Fenced | list[str]]:
    """Runs of ordinary lines (as lists) and fenced blocks, in order. An unclosed fence runs to
    the end of the text, as CommonMark says."""
    parts: list[Fenced | list[str]] = []
    ordinary: list[str] = []
    index = 0
    while index < len(lines):
        match = _OPEN.match(lines[index]) if lines[index].lstrip()[:3] in ("```", "~~~") else None
        if match is None:
            ordinary.append(lines[index])
            index += 1
            continue
        if ordinary:
            parts.append(ordinary)
            ordinary = []
        indent, fence, language = match.groups()
        body, index = _fence_body(lines, index + 1, fence, len(indent))
        directive, argument = _directive(language)
        parts.append(Fenced(_language(language), "\n".join(body), directive, argument))
    if ordinary:
        parts.append(ordinary)
    return parts


def _fence_body(lines: list[str], index: int, fence: str, indent: int) -> tuple[list[str], int]:
    body: list[str] = []
    while index < len(lines):
        if _closes(lines[index], fence):
            return body, index + 1
        line = lines[index]
        # Remove the fence's own indentation, never more than the line has.
        strip = min(indent, len(line) - len(line.lstrip(" ")))
        body.append(line[strip:])
        index += 1
    return body, index


def _closes(line: str, fence: str) -> bool:
    """A run of the fence's character at least as long as the fence, alone on its line (blanks
    around it allowed). String code: a pattern would be compiled for each fence length."""
    run = line.strip()
    return len(run) >= len(fence) and not run.strip(fence[0])


_MYST_CODE = ("{code-block}", "{code}", "{sourcecode}", "{code-cell}")


def _directive(info: str) -> tuple[str, str]:
    """```` ```{toctree} ````, ```` ```{code-block} python ```` → ("toctree", ""), ("code-block", "python")."""
    info = info.strip()
    if not info.startswith("{") or "}" not in info:
        return "", ""
    name, _, argument = info[1:].partition("}")
    return name.strip().lower()[:60], argument.strip()[:300]


def _language(info: str) -> str:
    # Info strings such as "python title=app.py" or "{.python}" or "js,linenums"; MyST's
    # "{code-block} python" names the language after the directive.
    info = info.strip()
    if not info:    # most fences: no pattern to split with
        return ""
    if info.lower().startswith(_MYST_CODE):
        info = info.split("}", 1)[1]
    return linear_regex.split(r"[\s,{}]", info.strip().lstrip("{.").lower(), maxsplit=1)[0][:40]
