"""AsciiDoc inline markup → plain text plus links: `link:url[text]`, `https://url[text]`,
`xref:file.adoc#id[text]`, `<<id,text>>`, `image:x[alt]`, UI macros, `{attribute}` references and
the constrained/unconstrained formatting marks."""
from __future__ import annotations

import re

from shared.docs.inline_macros import InlineMacro
from shared.docs.markdown_out import code_span, escape_markdown
from shared.docs.builder import close_gaps_before_punctuation
from shared.docs.placeholders import SetAside

# A macro's `[…]` never contains the `[` of the next one, and gives nothing back: each candidate
# stops where the next begins (`link:x[` repeated rescanned 500 characters from each).
_PASSTHROUGH = re.compile(r"\+\+\+([^\n]{0,2000}?)\+\+\+|(?<![\w+])\+([^+\s][^+\n]{0,500}?)\+(?![\w+])")
_MONOSPACE = re.compile(r"``([^`]{1,2000}?)``|(?<![\w`])`([^`\s][^`]{0,1000}?)`(?![\w`])")
# `name:target[label]` macros, found in one pass (inline_macros.py: a regular expression retried
# the target's bound at every `link:` of `link:link:…`).
_TARGET = r"^\s\["
_LABEL = r"\[([^\[\]]{0,500}+)\]"
_LINK_MACRO = InlineMacro(r"\blink:", _TARGET, _LABEL, 1, 2000)
_URL_MACRO = InlineMacro(r"\b(?:https?|ftp|mailto):", r"^\s\[\]", _LABEL, 1, 2000)
_XREF = InlineMacro(r"\bxref:", _TARGET, _LABEL, 1, 1000)
_CROSS_REFERENCE = re.compile(r"<<([^,<>\n]{1,300})(?:,\s*([^<>\n]{1,300}))?>>")
_IMAGE = InlineMacro(r"\bimage:", _TARGET, r"\[([^\[\],]{0,300}+)[^\[\]]{0,500}+\]", 0, 1000)
_UI_MACRO = re.compile(r"\b(?:kbd|btn|pass|stem|latexmath|asciimath):\[([^\[\]]{0,300}+)\]")
_MENU = InlineMacro(r"\bmenu:", _TARGET, r"\[([^\[\]]{0,300}+)\]", 1, 200)
_FOOTNOTE = re.compile(r"\bfootnote(?:ref)?:[\w-]*\[[^\[\]]{0,1000}+\]")
_ATTRIBUTE_REFERENCE = re.compile(r"\{([\w-]{1,60})\}")
_ROLE = re.compile(r"\[[.#][\w.#-]{0,80}\](?=[#*_`])")
_UNCONSTRAINED = re.compile(r"(\*\*|__|##)(?=\S)([^\n]{1,500}?)(?<=\S)\1")
_CONSTRAINED = re.compile(r"(?<![\w*_#])([*_#])(?=[^\s*_#])([^\n]{0,500}?[^\s*_#]|)\1(?![\w*_#])")
_BUILT_IN_ATTRIBUTES = {"nbsp": " ", "sp": " ", "zwsp": "", "empty": "", "amp": "&", "lt": "<",
                        "gt": ">", "quot": '"', "apos": "'", "plus": "+", "vbar": "|", "caret": "^",
                        "tilde": "~", "backslash": "\\", "startsb": "[", "endsb": "]"}

Links = list[tuple[str, str]]


def asciidoc_inline_to_text(text: str, attributes: dict[str, str]) -> tuple[str, Links]:
    aside = SetAside()
    links: Links = []

    text = _ATTRIBUTE_REFERENCE.sub(lambda m: _attribute(attributes, m.group(1)), text)
    text = _PASSTHROUGH.sub(lambda m: aside.keep(m.group(1) or m.group(2)), text)
    text = _MONOSPACE.sub(lambda m: aside.keep(m.group(1) or m.group(2)), text)
    text = _XREF.sub(lambda m: _link(links, m.target, m.tail[1] or _humanise(m.target)), text)
    text = _LINK_MACRO.sub(lambda m: _link(links, m.target, m.tail[1] or m.target), text)
    text = _URL_MACRO.sub(lambda m: _link(links, m.head, m.tail[1] or m.head), text)
    text = _CROSS_REFERENCE.sub(lambda m: _cross_reference(links, m.group(1), m.group(2)), text)
    text = _IMAGE.sub(lambda m: f" {m.tail[1]} ", text)
    text = _UI_MACRO.sub(r"\1", text)
    text = _MENU.sub(lambda m: f"{m.target} > {m.tail[1]}", text)
    text = _FOOTNOTE.sub("", text)
    text = _UNCONSTRAINED.sub(r"\2", _ROLE.sub("", text))
    text = _CONSTRAINED.sub(r"\2", text)
    text = close_gaps_before_punctuation(text)  # code still set aside: its blanks stay
    restore = aside.restore
    return restore(text), [(restore(target), restore(label)) for target, label in links]


def asciidoc_inline_to_markdown(text: str, attributes: dict[str, str]) -> str:
    """The same paragraph as Markdown: monospace as code spans, bold and italic kept, links
    (macros, xrefs) as links; the same patterns as `asciidoc_inline_to_text`."""
    aside = SetAside()
    keep, ignored = aside.keep, []

    def link(target: str, label: str) -> str:
        label = escape_markdown(label.strip() or target)
        bad = not target or any(ch.isspace() or ch in "()<>" for ch in target)
        return keep(label if bad else f"[{label}]({target})")

    text = _ATTRIBUTE_REFERENCE.sub(lambda m: _attribute(attributes, m.group(1)), text)
    text = _PASSTHROUGH.sub(lambda m: keep(escape_markdown(m.group(1) or m.group(2))), text)
    text = _MONOSPACE.sub(lambda m: keep(code_span(m.group(1) or m.group(2))), text)
    text = _XREF.sub(lambda m: link(m.target, m.tail[1] or _humanise(m.target)), text)
    text = _LINK_MACRO.sub(lambda m: link(m.target, m.tail[1] or m.target), text)
    text = _URL_MACRO.sub(lambda m: link(m.head, m.tail[1] or m.head), text)
    text = _CROSS_REFERENCE.sub(lambda m: keep(escape_markdown(_cross_reference(ignored, m.group(1), m.group(2)))),
                                text)
    text = _IMAGE.sub(lambda m: f" {m.tail[1]} ", text)
    text = _UI_MACRO.sub(r"\1", text)
    text = _MENU.sub(lambda m: f"{m.target} > {m.tail[1]}", text)
    text = _FOOTNOTE.sub("", text)
    text = _UNCONSTRAINED.sub(lambda m: keep(_strong_or_em(m.group(1), m.group(2))), _ROLE.sub("", text))
    text = _CONSTRAINED.sub(lambda m: keep(_strong_or_em(m.group(1), m.group(2))), text)
    return aside.restore(close_gaps_before_punctuation(escape_markdown(text)))


def _strong_or_em(mark: str, body: str) -> str:
    """`*bold*` and `**bold**` are strong in AsciiDoc, `_x_` emphasis, `#x#` a highlight."""
    body = escape_markdown(body.strip())
    if not body:
        return ""
    return f"**{body}**" if mark[0] == "*" else f"*{body}*" if mark[0] == "_" else body


def _attribute(attributes: dict[str, str], name: str) -> str:
    if name in attributes:
        return attributes[name]
    return _BUILT_IN_ATTRIBUTES.get(name, name)


def _link(links: Links, target: str, label: str) -> str:
    links.append((target, label))
    return label


def _cross_reference(links: Links, target: str, label: str | None) -> str:
    target = target.strip()
    # `<<other.adoc#id,…>>` names a document; a bare `<<id>>` an anchor in this one.
    resolved = target if ("#" in target or target.endswith((".adoc", ".asciidoc"))) else f"#{target}"
    return _link(links, resolved, (label or _humanise(target)).strip())


def _humanise(target: str) -> str:
    name = target.split("#")[-1] or target.split("#")[0]
    name = re.sub(r"\.(adoc|asciidoc)$", "", name.rsplit("/", 1)[-1])
    return re.sub(r"[-_]+", " ", name).strip()
