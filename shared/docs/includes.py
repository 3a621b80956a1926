"""Includes resolved from the repository snapshot: which file an include names (`--8<--` snippets,
FastAPI's `{* … *}`, markdown-include's `{!…!}`, mdBook's `{{#include}}`, VitePress's `<<<`,
`{% include %}`, `.. include::`, `.. literalinclude::`, MyST's `{include}`, AsciiDoc's `include::`),
which part of it is shown (the selections of include_selection.py), and the bounds that keep a
hostile repository from making a document unbounded: at most MAX_DEPTH levels of nesting, no
file that includes itself on the way, at most MAX_INCLUDED_BYTES of included text per document,
and no path that leaves the repository.

Paths are repository paths (posix, relative to the root). A target is tried relative to the
including file first (rST, MyST, FastAPI), then relative to the repository root (pymdown's
default `base_path`, the folder MkDocs runs from), then relative to each folder above the
including file (a `docs/` source folder: Sphinx's `/absolute` includes, pymdown base paths such
as `docs`). The first that exists is the one included."""
from __future__ import annotations

import posixpath
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from shared import linear_regex
from shared.docs.include_selection import (dedented, directive_selection, marked_region, named_section, numbered_lines,
                                           tagged, whole, without_anchors, without_section_marks,
                                           without_tag_lines)

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


# AsciiDoc: an attribute entry (`:name: value`), and Antora's resource families (`example$app.rb` is
# the module's examples/ folder). Antora also sets `{partialsdir}` and `{examplesdir}` (deprecated,
# still written) to the module's partials/ and examples/ folders.
ASCIIDOC_ATTRIBUTE = linear_regex.compile(r"^:(?P<name>[\w][\w-]{0,60}):(?:[ \t]+(?P<value>.*))?$")
_ANTORA_FAMILIES = {"example": "examples", "partial": "partials", "attachment": "attachments", "image": "images",
                    "page": "pages"}
_ANTORA_FOLDERS = frozenset(_ANTORA_FAMILIES.values())
_ATTRIBUTE_REFERENCE = linear_regex.compile(r"\{([\w][\w-]{0,60})\}")


def asciidoc_target(including: str, target: str, attributes: dict[str, str]) -> str:
    """An `include::` target as Asciidoctor and Antora read it: `{name}` references replaced by the
    attributes defined so far (and Antora's `partialsdir`/`examplesdir`), and an Antora resource ID
    (`example$app.rb`, `other:partial$x.adoc`) turned into the repository path of that module's
    folder. A reference to another component, or to an attribute not defined, is left as written
    (the include is then a note naming it)."""
    antora = _antora_module(including)
    known = dict(attributes)
    if antora:
        known.setdefault("partialsdir", f"{antora[0]}/{antora[1]}/partials")
        known.setdefault("examplesdir", f"{antora[0]}/{antora[1]}/examples")
    if "{" in target:
        target = _ATTRIBUTE_REFERENCE.sub(lambda m: known.get(m.group(1), m.group(0)), target)
    coordinates, dollar, relative = target.partition("$")
    if dollar and antora:
        parts = coordinates.split(":")
        family = _ANTORA_FAMILIES.get(parts[-1])
        if family and len(parts) <= 2:
            module = parts[0] if len(parts) == 2 and parts[0] else antora[1]
            return f"{antora[0]}/{module}/{family}/{relative}"
    return target


def _antora_module(path: str) -> tuple[str, str] | None:
    """(`docs/modules`, `ROOT`) for `docs/modules/ROOT/pages/x.adoc`: the modules folder and the
    module of a file in an Antora component, else None."""
    parts = path.split("/")
    for index in range(len(parts) - 3, -1, -1):
        if parts[index] == "modules" and parts[index + 2] in _ANTORA_FOLDERS:
            return "/".join(parts[:index + 1]), parts[index + 1]
    return None


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
                           select=(lambda path, text: numbered_lines(text, lines, ":")) if lines else whole)
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
        return IncludeSpec(ranges.group("path"), select=lambda path, text: dedented(
            without_section_marks(path, numbered_lines(text, spec, ":"))))
    section = _PYMDOWN_SECTION.match(target)
    if section and posixpath.splitext(section.group("path"))[1]:
        name = section.group("name")
        return IncludeSpec(section.group("path"), select=lambda path, text: dedented(named_section(text, name)))
    return IncludeSpec(target, select=without_section_marks)


def _mdx_include(written: str) -> IncludeSpec:
    """`./docs_src/app.py[ln:1-18]`, `file.md [ln:3-5,9-]`: 1-based inclusive line ranges (`{!> … !}`,
    mdx_include's form that does not include recursively, reads the same)."""
    target, _, option = written.lstrip(">").partition("[")
    lines = option.rstrip("]").strip()
    if lines.startswith("ln:"):
        ranges = lines[3:]
        return IncludeSpec(target.strip(), select=lambda path, text: numbered_lines(text, ranges, "-"))
    return IncludeSpec(target.strip())


def _mdbook(written: str) -> IncludeSpec:
    """`file.rs`, `file.rs:2` (one line), `file.rs:2:10`, `file.rs:2:`, `file.rs::10`, `file.rs:name`
    (between `ANCHOR: name` and `ANCHOR_END: name`); mdBook never shows its anchor lines."""
    words = written.split()
    written = words[1] if len(words) > 1 and words[0] in ("#include", "#rustdoc_include") else \
        (words[0] if words else "")
    target, _, selection = written.partition(":")
    if not selection:
        return IncludeSpec(target, select=lambda path, text: without_anchors(text))
    first, colon, last = selection.partition(":")
    if (first.isdigit() or not first) and (last.isdigit() or not last) and (first or colon):
        spec = f"{first}:{last}" if colon else f"{first}:{first}"
        return IncludeSpec(target, select=lambda path, text: without_anchors(numbered_lines(text, spec, ":")))
    return IncludeSpec(target, select=lambda path, text: without_anchors(
        marked_region(text, "ANCHOR:", selection, f"ANCHOR_END: {selection}")))


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
        return IncludeSpec(target, True, language, select=lambda path, text: dedented(
            marked_region(text, "#region", region, "#endregion")))
    return IncludeSpec(target, True, language)


def asciidoc_spec(target: str, attributes: str) -> IncludeSpec:
    """AsciiDoc's `include::target[attributes]`: `lines=1..5;7;10..-1` (or quoted, with commas),
    `tag=name` / `tags=a;b` (the lines between `tag::name[]` and `end::name[]`, which are never shown),
    `indent=0` (the lines' shared indentation removed)."""
    found: dict[str, str] = {}
    for part in attributes[:_MAX_WRITTEN_CHARS].split(","):
        key, equals, value = part.partition("=")
        if equals:
            found[key.strip().lower()] = value.strip().strip("\"'")
        elif found and "lines" in found and not found.get("tags") and part.strip()[:1].isdigit():
            found["lines"] += "," + part.strip().strip("\"'")    # `lines="1..5,7"` cut at its comma
    lines = found.get("lines", "").replace(";", ",").replace("..", ":")
    tags = [t for t in (found.get("tags") or found.get("tag") or "").split(";") if t and t not in ("**", "*")]
    indent = "indent" in found

    def select(path: str, text: str) -> str | None:
        # Line numbers count the file's own lines, tag lines included; the tag lines never show.
        chosen = numbered_lines(text, lines, ":") if lines else text
        if chosen is not None:
            chosen = tagged(chosen, tags) if tags else without_tag_lines(chosen)
        return textwrap.dedent(chosen) if chosen is not None and indent else chosen
    return IncludeSpec(target.strip(), select=select)


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
_TRIGGERS = ("8<", "{*", "include", "{!", "<<<", "raw-loader!")
_RAW_LOADER = "!!raw-loader!"


def referenced_paths(path: str, text: str) -> set[str]:
    """Every repository path an include in `text` (the file `path`) may name. A line scan, looser
    than the parsers (a path too many costs nothing): the caller reads these from the snapshot
    before the document is parsed, because the parser runs in a child process."""
    if not any(trigger in text for trigger in _TRIGGERS):
        return set()
    found: set[str] = set()
    targets: set[str] = set()
    in_block = False
    attributes: dict[str, str] = {}     # AsciiDoc's, as defined so far
    for line in text.split("\n"):
        stripped = line.strip()
        target = None
        if stripped.startswith(":") and (entry := ASCIIDOC_ATTRIBUTE.match(stripped)):
            attributes[entry["name"]] = (entry["value"] or "").strip()
            continue
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
        elif stripped.startswith("include::") and "[" in stripped:
            target = asciidoc_target(path, stripped[len("include::"):stripped.index("[")], attributes)
        elif _RAW_LOADER in stripped and stripped.startswith("import "):    # Docusaurus (MDX)
            target = stripped.split(_RAW_LOADER, 1)[1].split("'")[0].split('"')[0].replace("@site/", "", 1)
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
