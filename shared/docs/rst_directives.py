"""Explicit markup (`.. something`) in reStructuredText: directives, targets, comments. Code
directives give code blocks, `toctree` gives links, admonitions and containers give their body as
prose, API directives give their signature as code, and `raw` is never read."""
from __future__ import annotations

from shared import linear_regex
from shared.docs.formats import extensions_of
from shared.docs.includes import language_of, rst_spec
from shared.docs.markdown_out import include_note
from shared.docs.rst_inline import rst_inline_to_text, title_and_target

_DIRECTIVE = linear_regex.compile(r"^(?:\|[^|]+\|\s+)?([\w:.+-]+)::(?:\s+(.*))?$")
_OPTION = linear_regex.compile(r"^:[\w-]+:")
# An internal hyperlink target (`.. _install:`, nothing after the colon): a label Sphinx's `:ref:` names.
_INTERNAL_TARGET = linear_regex.compile(r"^_([^:`][^:]{0,200}|`[^`]{1,200}`):$")
CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "ipython", "jupyter-execute", "testcode",
                   "doctest", "prompt"}
# Directives whose body is code of a known kind (Sphinx extensions', Django's `console`, docutils'
# `parsed-literal`): its language, or None for a script that only runs at build time to print
# what the page shows (its output is not in the source).
DOMAIN_CODE_DIRECTIVES = {"click:example": "python", "click:run": None, "console": "console",
                          "parsed-literal": "text"}
INCLUDES = {"include", "literalinclude"}
# Shown as a callout (a labelled block quote): the argument, if any, is its title.
CALLOUTS = {"admonition", "note", "warning", "tip", "important", "attention", "caution", "danger",
            "error", "hint", "seealso", "versionadded", "versionchanged", "deprecated", "topic",
            "sidebar"}
SKIPPED = {"raw", "image", "contents", "sectnum", "index", "meta",
           "toctree-hidden", "currentmodule", "module", "automodule", "autosummary", "math",
           "graphviz", "mermaid", "only-html", "comment", "plot", "highlight", "default-role",
           "testsetup", "testcleanup"}     # doctest's setup: run at build time, never shown
TITLED = {"admonition", "topic", "sidebar", "rubric", "seealso", "note", "warning", "tip",
          "important", "attention", "caution", "danger", "error", "hint", "versionadded",
          "versionchanged", "deprecated", "dropdown", "card", "tab", "table",  # a figure's is its image
          "group-tab", "tab-item"}  # sphinx-tabs', sphinx-design's: "macOS/Linux" before its commands
# Domain directives (`.. py:function:: connect(url)`): the argument is a signature.
_API_OBJECTS = {"function", "method", "class", "attribute", "data", "exception", "decorator",
                "property", "classmethod", "staticmethod", "member", "type", "macro", "var",
                "option", "envvar", "program", "cmdoption", "describe", "object"}
_DOMAIN_LANGUAGES = {"py": "python", "js": "javascript", "c": "c", "cpp": "cpp", "rb": "ruby",
                     "go": "go", "java": "java", "rust": "rust", "std": ""}


def handle_explicit_markup(lines: list[str], index: int, match: linear_regex.Match, context, depth: int) -> int:
    from shared.docs.rst import indented_block, parse_rst_lines  # the two modules recurse

    base_indent = len(match.group(1))
    head = (match.group(2) or "").strip()
    body, end = indented_block(lines, index + 1, base_indent)
    directive = _DIRECTIVE.match(head)
    if directive is None:
        if target := _INTERNAL_TARGET.match(head):
            context.builder.add_label(target.group(1))
        return end  # a target (`.. _name: url`), footnote, citation or comment
    name, argument = directive.group(1).lower(), (directive.group(2) or "").strip()
    options, content = split_options(body)
    kind = name.split(":")[-1]
    if name in DOMAIN_CODE_DIRECTIVES:
        if DOMAIN_CODE_DIRECTIVES[name] is not None:
            context.builder.add_code(DOMAIN_CODE_DIRECTIVES[name], "\n".join(content))
    elif kind in CODE_DIRECTIVES:
        context.builder.add_code(argument.split()[0] if argument else context.default_language,
                                 "\n".join(content))
    elif kind == "highlight":
        context.default_language = argument.split()[0].lower() if argument else ""
    elif kind == "toctree":
        toctree_links(content, context.builder)
    elif kind in _API_OBJECTS and (":" in name or kind in {"function", "method", "class"}):
        domain = name.split(":")[0] if ":" in name else "py"
        if argument:
            context.builder.add_code(_DOMAIN_LANGUAGES.get(domain, ""), argument)
        _nested(content, context, depth, parse_rst_lines)
    elif kind in INCLUDES:
        _include(kind, argument, options, context, depth)
    elif kind.startswith("auto") and kind != "autosummary" and argument:
        context.builder.add_generated_reference(argument.split()[0])
    elif kind.startswith("auto") or kind in SKIPPED:
        pass
    elif kind in CALLOUTS:
        # Only these take a title; on a note's first line the argument is the body's beginning.
        titled = kind in {"admonition", "topic", "sidebar", "versionadded", "versionchanged", "deprecated"}
        title = rst_inline_to_text(argument, context.targets)[0] if argument and titled else ""
        context.builder.open_callout("note" if kind == "admonition" else kind, title)
        if argument and not titled:
            context.prose(argument)
        _nested(content, context, depth, parse_rst_lines)
        context.builder.close_callout()
    else:
        if argument and kind in TITLED:
            context.prose(argument)
        _nested(content, context, depth, parse_rst_lines)
    return end


def _include(kind: str, argument: str, options: dict[str, str], context, depth: int) -> None:
    """The included file from the snapshot (shared/docs/includes.py): code for `literalinclude`
    (or `include` with `:literal:`/`:code:`), else reStructuredText parsed where the directive
    stood (Markdown, for a `.md` file). A note naming the file when it cannot be included."""
    from shared.docs.markdown import add_markdown   # Markdown embeds rST too (eval-rst)
    from shared.docs.rst import parse_rst_lines

    if argument.startswith("<") and argument.endswith(">"):
        return  # docutils' standard substitution definitions (<isonum.txt>): nothing to show
    spec = rst_spec(kind, argument, options)
    included = context.includes.resolve(spec) if context.includes is not None and argument else None
    if included is None:
        context.builder.add_note(include_note(argument))
    elif spec.as_code:
        context.builder.add_code(spec.language or language_of(included.path) or context.default_language,
                                 included.text)
    else:
        with context.includes.inside(included.path):
            if included.path.lower().endswith(extensions_of("markdown")):
                add_markdown(context.builder, included.text, includes=context.includes)
            else:
                parse_rst_lines(included.text.split("\n"), context, depth)


def split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive's `:name: value` lines, and the content after them (MyST's fences have them too)."""
    options: dict[str, str] = {}
    index = 0
    while index < len(body) and _OPTION.match(body[index]):
        key, _, value = body[index][1:].partition(":")
        options[key] = value.strip()
        index += 1
    while index < len(body) and not body[index].strip():
        index += 1
    return options, body[index:]


def toctree_links(content: list[str], builder) -> None:
    """A toctree's entries as links (`Title <target>` or `target`), rST's or MyST's."""
    for entry in (line.strip() for line in content):
        if not entry or entry == "self" or any(c in entry for c in "*?["):
            continue  # glob patterns name no single document
        label, target = title_and_target(entry) or ("", entry)
        builder.add_link(target, label or target)


def _nested(content: list[str], context, depth: int, parse_lines) -> None:
    if content and depth < 12:
        parse_lines(content, context, depth + 1)
    elif content:
        context.prose(" ".join(line.strip() for line in content))
