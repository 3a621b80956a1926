"""Containers that Markdown documentation generators add to Markdown, turned into marker lines the
block parser understands: MkDocs/Material admonitions (`!!! note "Title"`, collapsible `???`, body
indented four spaces), Docusaurus (`:::tip Title` … `:::`), pymdown blocks (`/// note | Title` …
`///`) and GitBook hints (`{% hint style="info" %}` … `{% endhint %}`) become callouts; snippet
includes (`--8<-- "file"`, FastAPI's `{* file *}`, markdown-include's `{!file!}`, mdBook's
`{{#include file}}`, VitePress's `<<< @/file`, `{% include %}`, MyST's `{include}` and
`{literalinclude}` fences) become include marks, which the parser resolves from the snapshot or
turns into a note (shared/docs/includes.py); a snippet inside a code block stays in it, where its
file's code goes. mkdocstrings' `::: package.module.Object` (its options indented below it) becomes
a generated-reference mark: the reference is built from the code, not in the source. MyST's
comment lines (`% …`) and other lone template tags (`{% tabs %}`) go. String code, one pass over the lines."""
from __future__ import annotations

from dataclasses import dataclass

from shared import linear_regex
from shared.docs.includes import CODE, MYST_INCLUDE, MYST_LITERAL, SNIPPET, TEMPLATE, line_include_of

# Parsers strip control characters from their input (parsing._sanitise), and add_markdown strips
# this one again, so a marker line can never come from a document.
MARK = "\x02"
FIELD = "\x1f"
OPEN, CLOSE, INCLUDE, GENERATED = MARK + "callout", MARK + "end", MARK + "include", MARK + "generated"
_SNIPPET = "--8<--"
_INDENTED_BODY = 4
# Deeper nesting is not documentation; openers past it are dropped, which keeps every line's work
# bounded (a million `:::tip` lines must not grow a stack that each line walks).
MAX_DEPTH = 12


@dataclass
class _Container:
    indent: int         # extra indentation its body carries (MkDocs), else 0
    closer: str         # the line that ends it (`:::`, `///`, `{% endhint %}`), else ""
    callout: bool       # whether it was opened as a callout (a close marker is owed)


# A document holding none of these has no container to mark (most documents): returned as it is.
# ("\n%": a MyST comment line; not "% ", which prose says: "50% faster".)
_TRIGGERS = ("!!!", "???", ":::", "///", "{%", _SNIPPET, "{*", "admonition", "```{", "~~~{", "\n%", "{!", "{{#",
             "<<<")
# MyST directives that are callouts when written as a fence (```{note} … ```).
_MYST_CALLOUTS = frozenset({"note", "tip", "hint", "important", "warning", "caution", "danger", "attention",
                            "error", "seealso", "admonition", "versionadded", "versionchanged", "deprecated",
                            "topic", "sidebar"})
# mkdocstrings: `::: starlette.applications.Starlette` — a dotted Python path, so never a Docusaurus
# container (`:::note Title`), whose kind is one word.
_MKDOCSTRINGS = linear_regex.compile(r"^:::[ \t]+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)[ \t]*$")
# A bare module (`::: markdown`) reads like a VitePress container (`::: tip`): it is mkdocstrings'
# when its options follow, indented.
_BARE_MODULE = linear_regex.compile(r"^:::[ \t]+([A-Za-z_]\w*)[ \t]*$")
_OPTIONS = linear_regex.compile(r"^[ \t]+options:[ \t]*$")
# First characters of every line this module reacts to outside a container or code block.
_LINE_STARTS = frozenset("!?:/{-<`~%")


def mark_containers(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    if not text.startswith("%") and not any(trigger in text for trigger in _TRIGGERS):
        return lines
    out: list[str] = []
    stack: list[_Container] = []
    fence: tuple[str, int] | None = None       # (marker, stack depth at its opening)
    myst_include: list[str] | None = None       # an open `{include}` fence: closer, kind, target, options
    snippet_block = False                       # between two bare `--8<--` lines
    html_callout = ""                           # a `<div class="admonition kind">` awaiting its title
    myst_options = False                        # a MyST directive just opened: `:class: note` lines
    options_deeper_than: int | None = None      # mkdocstrings' options: lines indented past its `:::`
    bare_references = _bare_module_references(lines) if ":::" in text else set()
    for index, raw in enumerate(lines):
        if options_deeper_than is not None:
            if not raw.strip() or _indent(raw) > options_deeper_than:
                continue
            options_deeper_than = None
        if not stack and fence is None and not snippet_block and myst_include is None \
                and raw.lstrip(" ")[:1] not in _LINE_STARTS:
            out.append(raw)   # the common line: nothing opens, nothing to close or dedent
            continue
        if html_callout and raw.strip():
            title = _html_admonition_title(raw.strip())
            out.append(_open(html_callout, title or ""))
            html_callout = ""
            if title is not None:
                continue
        if raw.strip():
            # An indented body ends at a line indented less; whatever it contains ends with it.
            while stack and _indent(raw) < sum(c.indent for c in stack):
                _close(stack.pop(), out)
            if fence is not None and len(stack) < fence[1]:
                out.append(fence[0])
                fence = None
        line = _dedent(raw, sum(c.indent for c in stack))
        stripped = line.strip()
        if myst_include is not None:
            if _closes_fence(stripped, myst_include[0]):
                out.append(_include_mark(*myst_include[1:]))
                myst_include = None
            elif stripped.startswith(":"):
                myst_include.append(stripped)
            continue
        if fence is not None:
            if _closes_fence(stripped, fence[0]):
                out.append(line)
                fence = None
            elif stripped.startswith((_SNIPPET, ";" + _SNIPPET)) or _is_brace_include(stripped):
                out.append(" " * _indent(line) + _include(stripped))   # the file's code goes here
            elif (line_include := line_include_of(stripped)) is not None:
                out.append(" " * _indent(line) + _include_mark(*line_include))
            else:
                out.append(line)
            continue
        if snippet_block:
            if stripped == _SNIPPET:
                snippet_block = False
            elif stripped:
                out.append(_include(stripped))
            continue
        if myst_options and stripped.startswith(":") and _is_myst_option(stripped):
            continue
        myst_options = False
        if stripped[:1] in ("`", "~") and stack and stack[-1].closer[:1] == stripped[:1] \
                and _closes_fence(stripped, stack[-1].closer):
            _close(stack.pop(), out)    # the end of a MyST directive written as a fence
        elif stripped[3:4] == "{" and (directive := _myst_fenced_callout(stripped)):
            run = len(stripped) - len(stripped.lstrip(stripped[0]))
            stack.append(_Container(_indent(line), stripped[0] * run, True))
            out.append(_open(*directive))
            myst_options = True
        elif stripped[3:4] == "{" and (opened := _myst_include(stripped)):
            myst_include = list(opened)
        elif opening := _fence_opening(stripped):
            fence = (opening, len(stack))
            out.append(line)
        elif len(stack) >= MAX_DEPTH and stripped.startswith(("!!!", "???", ":::", "///", "{%")) \
                and not _closes_any(stripped, stack):
            continue
        elif stripped.startswith(("!!!", "???")) and (callout := _mkdocs(stripped)):
            stack.append(_Container(_INDENTED_BODY, "", True))
            out.append(_open(*callout))
        elif (stripped == "%" or stripped.startswith("% ")) and _indent(line) < _INDENTED_BODY:
            continue    # a MyST comment (an indented one would be a code block's line)
        elif stripped.startswith(":::") and (generated := _MKDOCSTRINGS.match(stripped)
                                             or (index in bare_references and _BARE_MODULE.match(stripped))):
            out.append(FIELD.join([GENERATED, generated.group(1)]))
            options_deeper_than = _indent(raw)
        elif stripped.startswith(":::"):
            _fenced_container(stripped, ":", stack, out, _indent(line))
            myst_options = stripped.lstrip(":").startswith("{")
        elif stripped.startswith("///"):
            _fenced_container(stripped, "/", stack, out, _indent(line))
        elif stripped == _SNIPPET:
            snippet_block = True
        elif stripped.startswith((_SNIPPET, ";" + _SNIPPET)) or _is_brace_include(stripped):
            out.append(_include(stripped))
        elif (line_include := line_include_of(stripped)) is not None:
            out.append(_include_mark(*line_include))
        elif stripped.startswith("<div") and (kind := _html_admonition(stripped)):
            stack.append(_Container(0, "</div>", True))
            html_callout = kind
        elif stripped == "</div>" and any(c.closer == "</div>" for c in stack):
            while stack and stack[-1].closer != "</div>":
                _close(stack.pop(), out)
            _close(stack.pop(), out)
        elif stripped.startswith("{%") and stripped.endswith("%}"):
            _template_tag(stripped[2:-2].strip(), stack, out)
        else:
            out.append(line)
    if myst_include is not None:
        out.append(_include_mark(*myst_include[1:]))
    while stack:
        _close(stack.pop(), out)
    return out


def _html_admonition(stripped: str) -> str:
    """`<div class="admonition note">` (MkDocs' rendered admonitions, pasted into Markdown) → "note"."""
    start = stripped.find('class="admonition')
    if start < 0 or not stripped.endswith(">"):
        return ""
    classes = stripped[start + len('class="'):].split('"', 1)[0].split()
    return next((name for name in classes[1:] if name.isalpha()), "note")


def _html_admonition_title(stripped: str) -> str | None:
    if not stripped.startswith('<p class="admonition-title">') or not stripped.endswith("</p>"):
        return None
    return stripped[len('<p class="admonition-title">'):-len("</p>")].strip()


def _closes_any(stripped: str, stack: list[_Container]) -> bool:
    return any(c.closer and (stripped == "{% endhint %}" if c.closer[0] == "{" else
                             stripped and not stripped.strip(c.closer[0]) and len(stripped) >= len(c.closer))
               for c in stack)


def _bare_module_references(lines: list[str]) -> set[int]:
    """Lines `::: name` whose next non-blank line is an indented `options:`: one pass."""
    found, candidate = set(), None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if candidate is not None and _OPTIONS.match(line):
            found.add(candidate)
        candidate = index if _BARE_MODULE.match(line.strip()) else None
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedent(line: str, amount: int) -> str:
    return line[min(amount, _indent(line)):] if amount else line


def _fence_opening(stripped: str) -> str | None:
    for char in "`~":
        if stripped.startswith(char * 3):
            run = len(stripped) - len(stripped.lstrip(char))
            if char == "`" and "`" in stripped[run:]:
                return None
            return char * run
    return None


def _closes_fence(stripped: str, marker: str) -> bool:
    return stripped.startswith(marker) and not stripped.strip(marker[0])


def _open(kind: str, title: str) -> str:
    clean = lambda text: "".join(ch for ch in text if ch not in "<>" + FIELD + MARK)  # noqa: E731
    return f"{OPEN}{FIELD}{clean(kind)[:40]}{FIELD}{clean(title)[:300]}"


def _close(container: _Container, out: list[str]) -> None:
    if container.callout:
        out.append(CLOSE)


def _include(stripped: str) -> str:
    """An include's mark: its kind and what follows its syntax (shared/docs/includes.py reads it)."""
    kind, written = SNIPPET, stripped.lstrip(";")
    if written.startswith(_SNIPPET):
        written = written[len(_SNIPPET):]
    elif written.startswith("{*"):
        kind, written = CODE, written[2:-2]
    elif written.startswith("{%"):
        words = written[2:-2].strip().split(None, 1)     # `include "footer.md"`
        kind, written = TEMPLATE, words[1] if len(words) > 1 else ""
    return _include_mark(kind, written)


def _include_mark(kind: str, written: str, *options: str) -> str:
    clean = lambda text: "".join(ch for ch in text.strip() if ch not in FIELD + MARK)[:300]  # noqa: E731
    return FIELD.join([INCLUDE, kind, clean(written), *(clean(option) for option in options[:20])])


def _myst_include(stripped: str) -> tuple[str, str, str] | None:
    """```` ```{literalinclude} ../src/app.py ```` → (its closing fence, kind, target)."""
    rest = stripped.lstrip(stripped[0])
    if stripped[0] not in "`~" or not rest.startswith(("{include}", "{literalinclude}")):
        return None
    directive, _, target = rest[1:].partition("}")
    run = len(stripped) - len(rest)
    return stripped[0] * run, MYST_LITERAL if directive == "literalinclude" else MYST_INCLUDE, target.strip()


def _is_brace_include(stripped: str) -> bool:
    return stripped.startswith("{*") and stripped.endswith("*}")


def _mkdocs(stripped: str) -> tuple[str, str] | None:
    """`!!! note "Title"`, `??? tip`, `???+ warning inline end ""` → (kind, title)."""
    rest = stripped[3:].lstrip("+")
    title = ""
    if '"' in rest:
        first = rest.index('"')
        title = rest[first + 1:rest.rindex('"')] if rest.count('"') > 1 else rest[first + 1:]
        rest = rest[:first]
    words = rest.split()
    if not words and not title:
        return None
    return (words[0] if words else "note"), title


def _fenced_container(stripped: str, char: str, stack: list[_Container], out: list[str],
                      indent: int = 0) -> None:
    """`:::note Title` / `:::tip[Title]` (Docusaurus) or `/// warning | Title` (pymdown), and the
    bare run that closes it. A stray closer is dropped. `indent`: the opener's own indentation (a
    container inside a list item), which its body carries too and loses here."""
    run = len(stripped) - len(stripped.lstrip(char))
    rest = stripped[run:].strip()
    if not rest:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].closer and stack[depth].closer[0] == char and len(stack[depth].closer) <= run:
                while len(stack) > depth:
                    _close(stack.pop(), out)
                return
        return
    if char == ":":
        bracket = rest.find("[")
        if bracket > 0 and " " not in rest[:bracket]:
            kind, title = rest[:bracket], rest[bracket + 1:].rstrip().removesuffix("]")
        else:
            kind, _, title = rest.partition(" ")
        title = title.strip()
        if title.startswith("{") or title.startswith("title="):
            title = title.split("=", 1)[-1].strip("{}\"' ")
    else:
        kind, _, title = rest.partition("|")
    kind = kind.strip().removeprefix("{").removesuffix("}") or "note"    # MyST: `:::{note}`
    callout = kind.lower() not in {"tab", "tabs", "html", "div", "tab-set", "tab-item"}
    stack.append(_Container(indent, char * run, callout))
    if callout:
        out.append(_open(kind, title.strip()))
    elif title.strip():
        out.append(f"**{title.strip()}**")


def _myst_fenced_callout(stripped: str) -> tuple[str, str] | None:
    """```` ```{note} ```` or ```` ```{admonition} Title ```` → (kind, title); None for other
    directives (code-block, eval-rst: they stay fences)."""
    rest = stripped.lstrip(stripped[0])
    end = rest.find("}")
    if not rest.startswith("{") or end < 0:
        return None
    kind = rest[1:end].strip().lower()
    return (kind, rest[end + 1:].strip()) if kind in _MYST_CALLOUTS else None


def _is_myst_option(stripped: str) -> bool:
    """`:class: note`, `:name: label`: a MyST directive's option line."""
    end = stripped.find(":", 1)
    return end > 1 and stripped[1:end].replace("-", "").replace("_", "").isalnum()


def _template_tag(tag: str, stack: list[_Container], out: list[str]) -> None:
    """GitBook and Jekyll tags on a line of their own: hints are callouts, includes notes, the
    rest (tabs, raw, embeds) are layout and go."""
    name = tag.split()[0].lower() if tag.split() else ""
    if name == "hint":
        style = tag.partition("style=")[2].strip().strip("\"'").split('"')[0].split("'")[0] or "info"
        stack.append(_Container(0, "{% endhint %}", True))
        out.append(_open(style, ""))
    elif name == "endhint":
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].closer == "{% endhint %}":
                while len(stack) > depth:
                    _close(stack.pop(), out)
                return
    elif name in {"include", "include_relative"}:
        out.append(_include("{%" + tag + "%}"))
    elif name == "tab":
        title = tag.partition("title=")[2].strip().strip("\"'").split('"')[0]
        if title:
            out.append(f"**{title}**")
