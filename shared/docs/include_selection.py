"""Which part of an included file is shown: the selections every include syntax makes of a file's
text (line ranges, named sections and regions, tags, Python objects, Sphinx's options), and what is
never shown of it (section, anchor and tag marker lines). Pure text functions, each linear in the
text; None where a selection names something the file does not hold (the include is then a note)."""
from __future__ import annotations

import ast
import textwrap

from shared import linear_regex

_MAX_RANGES = 20
# From the scissors on (`# --8<-- [start:name]`): a run of dashes before them costs nothing.
_SECTION_MARK = linear_regex.compile(r"8<-+[ \t]*\[(start|end):([\w-]+)\]")


def whole(path: str, text: str) -> str:
    return text


def directive_selection(text: str, options: dict[str, str], path: str = "") -> str | None:
    """Sphinx's and docutils' options: `:pyobject:`, `:lines:`, `:start-line:`/`:end-line:`,
    `:start-after:`/`:end-before:` (`:start-at:`/`:end-at:`), `:dedent:`. None when an option
    names something the file does not hold."""
    if options.get("pyobject"):
        found = _python_object(text, options["pyobject"])
        if found is None:
            return None
        text = found
    lines = text.split("\n")
    if options.get("start-line") or options.get("end-line"):
        start, end = _integer(options.get("start-line")), _integer(options.get("end-line"))
        lines = lines[start or 0:end]
    if options.get("lines"):
        selected = numbered_lines("\n".join(lines), options["lines"], "-")
        if selected is None:
            return None
        lines = selected.split("\n")
    for option, after, inclusive in (("start-after", True, False), ("start-at", True, True),
                                     ("end-before", False, False), ("end-at", False, True)):
        if options.get(option):
            position = next((i for i, line in enumerate(lines) if options[option] in line), None)
            if position is None:
                return None
            if after:
                lines = lines[position if inclusive else position + 1:]
            else:
                lines = lines[:position + 1 if inclusive else position]
    text = "\n".join(lines)
    if "dedent" in options:
        amount = _integer(options["dedent"])
        text = textwrap.dedent(text) if amount is None else "\n".join(line[amount:] if line[:amount].isspace()
                                                                      else line.lstrip(" ")
                                                                      for line in text.split("\n"))
    return text


def _integer(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def numbered_lines(text: str, spec: str, separator: str) -> str | None:
    """1-based, inclusive ranges: Sphinx `1,3-5,8-`, pymdown `3:5,8:` and FastAPI `1:5` (a missing
    end runs to the end, a missing start from the beginning; pymdown counts negatives from the end)."""
    lines = text.split("\n")
    chosen: list[str] = []
    for part in spec.split(",", _MAX_RANGES)[:_MAX_RANGES]:
        part = part.strip()
        if not part:
            continue
        first, sep, last = part.partition(separator)
        start, end = _integer(first), _integer(last) if sep else _integer(first)
        start = len(lines) + start + 1 if start is not None and start < 0 else start
        end = len(lines) + end + 1 if end is not None and end < 0 else end
        start, end = max(start or 1, 1), min(end or len(lines), len(lines))
        chosen.extend(lines[start - 1:end])
    return "\n".join(chosen) if chosen else None


def dedented(text: str | None) -> str | None:
    return None if text is None else textwrap.dedent(text)


def without_section_marks(path: str, text: str | None) -> str | None:
    if text is None or "8<" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if not _SECTION_MARK.search(line))


def named_section(text: str, name: str) -> str | None:
    """The lines between `--8<-- [start:name]` and `--8<-- [end:name]` (markers usually sit in a
    comment), without any section marks."""
    lines, inside, found = [], False, False
    for line in text.split("\n"):
        mark = _SECTION_MARK.search(line) if "8<" in line else None
        if mark and mark.group(2) == name:
            inside, found = mark.group(1) == "start", True
        elif inside and not mark:
            lines.append(line)
    return "\n".join(lines) if found else None


def _python_object(text: str, name: str) -> str | None:
    """`:pyobject: Client.get` → that class's or function's lines, decorators included."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    body = tree.body
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for part in name.split("."):
        node = next((n for n in body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == part), None)
        if node is None:
            return None
        body = node.body
    if node is None:
        return None
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "\n".join(text.split("\n")[start - 1:node.end_lineno])


def marked_region(text: str | None, marker: str, name: str, end_marker: str) -> str | None:
    """The lines after the first line naming `name` after `marker` (`// #region setup`, `<!-- #region
    setup -->`, `// ANCHOR: setup`) up to the next line holding `end_marker`; None when no line names it."""
    if text is None:
        return None
    lines = text.split("\n")

    def names(line: str) -> bool:
        at = line.find(marker)
        words = line[at + len(marker):].split() if at >= 0 else []
        return bool(words) and words[0].rstrip("*/->") == name
    opening = next((n for n, line in enumerate(lines) if marker in line and names(line)), None)
    if opening is None:
        return None
    closing = next((n for n in range(opening + 1, len(lines)) if end_marker in lines[n]), len(lines))
    return "\n".join(lines[opening + 1:closing])


def without_anchors(text: str | None) -> str | None:
    if text is None or "ANCHOR" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if "ANCHOR:" not in line and "ANCHOR_END:" not in line)


def _is_tag_line(line: str) -> bool:
    return ("tag::" in line or "end::" in line) and line.rstrip().endswith("[]")


def tagged(text: str, names: list[str]) -> str | None:
    """The lines inside any of the tagged regions `names`; None when the file tags none of them."""
    wanted, open_now, chosen, found = set(names), set[str](), [], False
    for line in text.split("\n"):
        if _is_tag_line(line):
            marker = "tag::" if "tag::" in line and "end::" not in line else "end::"
            name = line[line.index(marker) + len(marker):].rstrip()[:-2]
            if name in wanted:
                found = True
                (open_now.add if marker == "tag::" else open_now.discard)(name)
            continue
        if open_now:
            chosen.append(line)
    return "\n".join(chosen) if found else None


def without_tag_lines(text: str) -> str:
    if "::" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if not _is_tag_line(line))
