"""Includes resolved from the repository snapshot: which file an include names (`--8<--` snippets,
FastAPI's `{* … *}`, `{% include %}`, `.. include::`, `.. literalinclude::`, MyST's `{include}`),
which part of it is shown (line ranges, sections, `:start-after:`), and the bounds that keep a
hostile repository from making a document unbounded: at most MAX_DEPTH levels of nesting, no
file that includes itself on the way, at most MAX_INCLUDED_BYTES of included text per document,
and no path that leaves the repository.

Paths are repository paths (posix, relative to the root). A target is tried relative to the
including file first (rST, MyST, FastAPI), then relative to the repository root (pymdown's
default `base_path`, the folder MkDocs runs from), then relative to each folder above the
including file (a `docs/` source folder: Sphinx's `/absolute` includes, pymdown base paths such
as `docs`). The first that exists is the one included."""
from __future__ import annotations

import ast
import posixpath
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from shared import linear_regex

MAX_DEPTH = 3
MAX_INCLUDED_BYTES = 200_000
# A file larger than this is not included at all (a line range of a huge generated file is not
# worth reading); stage 1 packs nothing larger either.
MAX_INCLUDED_FILE_BYTES = 512_000
_MAX_CANDIDATES = 12
# What is read of an include's line, and how many includes of one file are looked up before it
# is parsed: enough for any real page, and a hostile page costs no more than this.
_MAX_WRITTEN_CHARS = 300
_MAX_REFERENCES = 500
_MAX_RANGES = 20

SNIPPET, CODE, TEMPLATE, MYST_INCLUDE, MYST_LITERAL = "snippet", "code", "template", "myst-include", "myst-literal"
# markdown-include / mdx_include `{!file [ln:1-18]!}`, mdBook `{{#include file:2:10}}` (and
# `{{#rustdoc_include}}`), VitePress `<<< @/file.js#region{2 ts}`.
MDX_INCLUDE, MDBOOK, VITEPRESS = "mdx-include", "mdbook", "vitepress"

_LANGUAGES = {".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".jsx": "jsx",
              ".ts": "typescript", ".tsx": "tsx", ".sh": "bash", ".bash": "bash", ".zsh": "bash",
              ".ps1": "powershell", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml",
              ".ini": "ini", ".cfg": "ini", ".rs": "rust", ".go": "go", ".java": "java", ".kt": "kotlin",
              ".rb": "ruby", ".php": "php", ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp", ".hpp": "cpp",
              ".cs": "csharp", ".swift": "swift", ".html": "html", ".xml": "xml", ".css": "css",
              ".scss": "scss", ".sql": "sql", ".md": "markdown", ".rst": "rst", ".dockerfile": "dockerfile",
              ".lua": "lua", ".r": "r", ".scala": "scala", ".ex": "elixir", ".exs": "elixir", ".hs": "haskell",
              ".txt": "text", ".env": "bash", ".proto": "protobuf", ".graphql": "graphql", ".vue": "vue"}
# From the scissors on (`# --8<-- [start:name]`): a run of dashes before them costs nothing.
_SECTION_MARK = linear_regex.compile(r"8<-+[ \t]*\[(start|end):([\w-]+)\]")
_PYMDOWN_RANGES = linear_regex.compile(r"^(?P<path>.+?)(?P<ranges>(?::-?\d*:-?\d*)(?:,-?\d*:-?\d*)*|:-?\d+)$")
_PYMDOWN_SECTION = linear_regex.compile(r"^(?P<path>.+?):(?P<name>[A-Za-z_][\w-]*)$")
# `\b` is ASCII here: `_fastapi_options` also wants no word character of another script before it.
_FASTAPI_OPTION = linear_regex.compile(r"\b(ln|hl)\[([^\]]*)\]")


# --- where an include's file is ------------------------------------------------------------------

def normalised(path: str) -> str | None:
    """A repository path, or None for one that leaves the repository or names nothing."""
    if not path or "\x00" in path or "\\" in path:
        return None
    path = posixpath.normpath(path)
    if path in (".", "..") or path.startswith(("../", "/")):
        return None
    return path


def candidates(including: str, target: str) -> list[str]:
    """The repository paths `target`, written in the file `including`, may name; most likely
    first, never outside the repository."""
    target = target.strip().strip("\"'").strip()
    if not target or "://" in target or target.startswith(("~", "<", "$", "{")):
        return []          # URLs, home folders, docutils' standard files, template variables
    folder = posixpath.dirname(normalised(including) or "")
    above = _folders_above(folder)
    if target.startswith("/"):
        bases = [folder, *above] if folder else [""]   # Sphinx: the source folder, somewhere above
        target = target.lstrip("/")
    else:
        bases = [folder, "", *above]
    found: list[str] = []
    for base in bases:
        path = normalised(posixpath.join(base, target) if base else target)
        if path and path not in found:
            found.append(path)
        if len(found) >= _MAX_CANDIDATES:
            break
    return found


def _folders_above(folder: str) -> list[str]:
    """`docs/en/docs/tutorial` → [`docs/en/docs`, `docs/en`, `docs`, ``], nearest first."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[:end]) for end in range(len(parts) - 1, -1, -1)][:_MAX_CANDIDATES]


def language_of(path: str) -> str:
    name = posixpath.basename(path).lower()
    if name == "dockerfile":
        return "dockerfile"
    return _LANGUAGES.get(posixpath.splitext(name)[1], "")


# --- what an include's line says ------------------------------------------------------------------

@dataclass(frozen=True)
class IncludeSpec:
    """One include as written: its target, whether it is shown as code (and in which language),
    and which part of the file it shows."""
    target: str
    as_code: bool = False
    language: str = ""
    select: Callable[[str, str], str | None] = field(default=lambda path, text: text, compare=False)


def markdown_spec(kind: str, written: str, options: list[str] = ()) -> IncludeSpec:
    """The spec of an include marked in Markdown (shared/docs/markdown_containers.py): `kind` one of
    SNIPPET, CODE, TEMPLATE, MYST_INCLUDE, MYST_LITERAL, `written` what followed the syntax."""
    written = written.strip()[:_MAX_WRITTEN_CHARS]
    if kind == CODE:     # FastAPI: `../../docs_src/app.py ln[1:5] hl[3]`
        words = written.split()
        lines = dict(_fastapi_options(written)).get("ln", "")
        return IncludeSpec(words[0] if words else "", True,
                           select=(lambda path, text: _numbered_lines(text, lines, ":")) if lines else _whole)
    if kind in (MYST_INCLUDE, MYST_LITERAL):
        opts = _options(options)
        code = kind == MYST_LITERAL or "literal" in opts or "code" in opts
        return IncludeSpec(written, code, opts.get("language") or opts.get("code") or "",
                           select=lambda path, text: directive_selection(text, opts, path))
    if kind == MDX_INCLUDE:
        return _mdx_include(written)
    if kind == MDBOOK:
        return _mdbook(written)
    if kind == VITEPRESS:
        return _vitepress(written)
    target = written.strip("\"'")
    if kind == TEMPLATE:
        return IncludeSpec(target.split()[0] if target.split() else "")
    return _snippet(target)


def _fastapi_options(written: str) -> list[tuple[str, str]]:
    """The (name, value) of each `ln[…]`, `hl[…]` after no word character (`re`'s `\\b`); one
    refused, the search goes on inside it, as `re`'s would (`written` is short)."""
    found, position = [], 0
    while (match := _FASTAPI_OPTION.search(written, position)) is not None:
        start = match.start()
        if start and (written[start - 1].isalnum() or written[start - 1] == "_"):
            position = start + 1
        else:
            found.append(match.groups())
            position = match.end()
    return found


def _snippet(target: str) -> IncludeSpec:
    """pymdown Snippets: `file.md`, `file.md:3:5`, `file.md:3:5,8:9`, `file.md:section`; the
    section markers of the file (`--8<-- [start:name]`) are never shown, and a part of a file
    loses the indentation its lines share (a method's body reads as code of its own)."""
    ranges = _PYMDOWN_RANGES.match(target)
    if ranges and posixpath.splitext(ranges.group("path"))[1]:
        spec = ranges.group("ranges")[1:]
        return IncludeSpec(ranges.group("path"), select=lambda path, text: _dedented(
            _without_section_marks(path, _numbered_lines(text, spec, ":"))))
    section = _PYMDOWN_SECTION.match(target)
    if section and posixpath.splitext(section.group("path"))[1]:
        name = section.group("name")
        return IncludeSpec(section.group("path"), select=lambda path, text: _dedented(_section(text, name)))
    return IncludeSpec(target, select=_without_section_marks)


def _mdx_include(written: str) -> IncludeSpec:
    """`./docs_src/app.py[ln:1-18]`, `file.md [ln:3-5,9-]`: 1-based inclusive line ranges (`{!> … !}`,
    mdx_include's form that does not include recursively, reads the same)."""
    target, _, option = written.lstrip(">").partition("[")
    lines = option.rstrip("]").strip()
    if lines.startswith("ln:"):
        ranges = lines[3:]
        return IncludeSpec(target.strip(), select=lambda path, text: _numbered_lines(text, ranges, "-"))
    return IncludeSpec(target.strip())


def _mdbook(written: str) -> IncludeSpec:
    """`file.rs`, `file.rs:2` (one line), `file.rs:2:10`, `file.rs:2:`, `file.rs::10`, `file.rs:name`
    (between `ANCHOR: name` and `ANCHOR_END: name`); mdBook never shows its anchor lines."""
    words = written.split()
    written = words[1] if len(words) > 1 and words[0] in ("#include", "#rustdoc_include") else \
        (words[0] if words else "")
    target, _, selection = written.partition(":")
    if not selection:
        return IncludeSpec(target, select=lambda path, text: _without_anchors(text))
    first, colon, last = selection.partition(":")
    if (first.isdigit() or not first) and (last.isdigit() or not last) and (first or colon):
        spec = f"{first}:{last}" if colon else f"{first}:{first}"
        return IncludeSpec(target, select=lambda path, text: _without_anchors(_numbered_lines(text, spec, ":")))
    return IncludeSpec(target, select=lambda path, text: _without_anchors(
        _marked(text, "ANCHOR:", selection, f"ANCHOR_END: {selection}")))


def _vitepress(written: str) -> IncludeSpec:
    """`@/snippets/a.js`, `./a.ts#setup{2,4-5 ts:line-numbers} [label]`: `@` is the documentation's
    root (tried as the folders above the page); a `#region` names the lines between `#region name`
    and `#endregion`; braces hold highlighted lines and the language."""
    written = written.split(" [", 1)[0].strip()
    language = ""
    if written.endswith("}") and "{" in written:
        written, _, braces = written[:-1].rpartition("{")
        words = [w for w in braces.split() if not w[:1].isdigit()]
        language = words[0].split(":")[0] if words else ""
    target, _, region = written.partition("#")
    target = target.removeprefix("@/")
    if region:
        return IncludeSpec(target, True, language, select=lambda path, text: _dedented(
            _marked(text, "#region", region, "#endregion")))
    return IncludeSpec(target, True, language)


def _marked(text: str | None, marker: str, name: str, end_marker: str) -> str | None:
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


def _without_anchors(text: str | None) -> str | None:
    if text is None or "ANCHOR" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if "ANCHOR:" not in line and "ANCHOR_END:" not in line)


def target_of(kind: str, written: str) -> str:
    return markdown_spec(kind, written).target


def _options(lines) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if line.startswith(":") and ":" in line[1:]:
            key, _, value = line[1:].partition(":")
            found.setdefault(key.strip().lower(), value.strip())
    return found


def rst_spec(directive: str, argument: str, options: dict[str, str]) -> IncludeSpec:
    """`.. include::` (rST in place, or code with `:literal:`/`:code:`) and `.. literalinclude::`."""
    code = directive == "literalinclude" or "literal" in options or "code" in options
    return IncludeSpec(argument.strip(), code, options.get("language") or options.get("code") or "",
                       select=lambda path, text: directive_selection(text, options, path))


# --- which part of the file is shown --------------------------------------------------------------

def _whole(path: str, text: str) -> str:
    return text


def directive_selection(text: str, options: dict[str, str], path: str = "") -> str | None:
    """Sphinx's and docutils' options: `:pyobject:`, `:lines:`, `:start-line:`/`:end-line:`,
    `:start-after:`/`:end-before:` (`:start-at:`/`:end-at:`), `:dedent:`. None when an option
    names something the file does not hold."""
    if options.get("pyobject"):
        text = _python_object(text, options["pyobject"])
        if text is None:
            return None
    lines = text.split("\n")
    if options.get("start-line") or options.get("end-line"):
        start, end = _integer(options.get("start-line")), _integer(options.get("end-line"))
        lines = lines[start or 0:end]
    if options.get("lines"):
        selected = _numbered_lines("\n".join(lines), options["lines"], "-")
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


def _numbered_lines(text: str, spec: str, separator: str) -> str | None:
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


def _dedented(text: str | None) -> str | None:
    return None if text is None else textwrap.dedent(text)


def _without_section_marks(path: str, text: str | None) -> str | None:
    if text is None or "8<" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if not _SECTION_MARK.search(line))


def _section(text: str, name: str) -> str | None:
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
    node = None
    for part in name.split("."):
        node = next((n for n in body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == part), None)
        if node is None:
            return None
        body = node.body
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "\n".join(text.split("\n")[start - 1:node.end_lineno])


# --- resolving, bounded ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Included:
    path: str
    text: str


class Includes:
    """What one document may include: `read(path)` gives a repository file's text or None. Keeps
    the chain of files being included (depth, cycles) and the bytes still allowed."""

    def __init__(self, document: str, read: Callable[[str], str | None], max_depth: int = MAX_DEPTH,
                 max_bytes: int = MAX_INCLUDED_BYTES):
        self._read, self._max_depth, self._left = read, max_depth, max_bytes
        self._chain = [normalised(document) or document]

    @property
    def current(self) -> str:
        return self._chain[-1]

    def resolve(self, spec: IncludeSpec) -> Included | None:
        """The part of the file `spec` names, read relative to the file being parsed; None if it is
        not in the snapshot, would nest too deep or include itself, or exceeds the allowance."""
        if len(self._chain) > self._max_depth:
            return None
        for path in candidates(self.current, spec.target):
            text = self._read(path)
            if text is None:
                continue
            if path in self._chain:
                return None  # a file that includes itself, directly or through others
            selected = spec.select(path, text)
            size = len(selected.encode("utf-8", errors="replace")) if selected is not None else 0
            if selected is None or size > self._left:
                return None
            self._left -= size
            return Included(path, selected)
        return None

    @contextmanager
    def inside(self, path: str) -> Iterator[None]:
        """While the included file `path` is parsed, its own includes are relative to it."""
        self._chain.append(path)
        try:
            yield
        finally:
            self._chain.pop()


# --- which files a document may include (read before parsing) ---------------------------------------

_RST_INCLUDE = linear_regex.compile(r"^\s*\.\.\s+(?:literal)?include::[ \t]*(\S+)")
_MYST_INCLUDE = linear_regex.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})[ \t]*\{(?:literal)?include\}[ \t]*(\S+)")
_TEMPLATE_INCLUDE = linear_regex.compile(r"^\s*\{%-?\s*include(?:_relative)?\s+(\S+)")
_TRIGGERS = ("8<", "{*", "include", "{!", "<<<")


def referenced_paths(path: str, text: str) -> set[str]:
    """Every repository path an include in `text` (the file `path`) may name. A line scan, looser
    than the parsers (a path too many costs nothing): the caller reads these from the snapshot
    before the document is parsed, because the parser runs in a child process."""
    if not any(trigger in text for trigger in _TRIGGERS):
        return set()
    found: set[str] = set()
    targets: set[str] = set()
    in_block = False
    for line in text.split("\n"):
        stripped = line.strip()
        target = None
        if in_block:
            if stripped == "--8<--":
                in_block = False
            else:
                target = target_of(SNIPPET, stripped)
        elif stripped == "--8<--":
            in_block = True
        elif stripped.startswith("--8<--"):
            target = target_of(SNIPPET, stripped[len("--8<--"):])
        elif stripped.startswith("{*") and stripped.endswith("*}"):
            target = target_of(CODE, stripped[2:-2])
        elif (line_include := line_include_of(stripped)) is not None:
            target = target_of(*line_include)
        elif "include" in stripped and (match := _RST_INCLUDE.match(line) or _MYST_INCLUDE.match(line)
                                        or _TEMPLATE_INCLUDE.match(line)):
            target = match.group(1).strip("\"'")
        if target and target not in targets:
            targets.add(target)
            found.update(candidates(path, target))
            if len(targets) >= _MAX_REFERENCES:
                break
    return found


def line_include_of(stripped: str) -> tuple[str, str] | None:
    """(kind, what follows the syntax) of a line that is one include of a kind written on one line
    by itself — mdx `{!…!}`, mdBook `{{#include …}}`, VitePress `<<< …` —, else None."""
    if stripped.startswith("{!") and stripped.endswith("!}") and len(stripped) > 4:
        return MDX_INCLUDE, stripped[2:-2].strip()
    if stripped.startswith(("{{#include ", "{{#rustdoc_include ")) and stripped.endswith("}}"):
        return MDBOOK, stripped[2:-2].strip()
    if stripped.startswith("<<< ") and len(stripped) > 4:
        return VITEPRESS, stripped[4:].strip()
    return None
