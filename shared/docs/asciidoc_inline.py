"""AsciiDoc inline markup → plain text plus links: `link:url[text]`, `https://url[text]`,
`xref:file.adoc#id[text]`, `<<id,text>>`, `image:x[alt]`, UI macros, `{attribute}` references and
the constrained/unconstrained formatting marks."""
from __future__ import annotations

from shared import linear_regex
from shared.docs.formats import extensions_of
from shared.docs.inline_macros import InlineMacro
from shared.docs.markdown_out import code_span, escape_markdown
from shared.docs.builder import Marked, Unattached, close_gaps_before_punctuation
from shared.docs.placeholders import SetAside

# Each substitution is Marked with what every one of its matches holds (the mark or macro name it
# opens with): a paragraph holding none of it is not searched.
# A macro's `[…]` never contains the `[` of the next one, and gives nothing back: each candidate
# stops where the next begins (`link:x[` repeated rescanned 500 characters from each).
# The single-mark forms (group 2) neither after nor before a word character or their mark.
_PASSTHROUGH = Marked("+", Unattached(r"\+([^+\s][^+\n]{0,500}?)\+", "+", "+", plain=r"\+\+\+([^\n]{0,2000}?)\+\+\+"))
_MONOSPACE = Marked("`", Unattached(r"`([^`\s][^`]{0,1000}?)`", "`", "`", plain=r"``([^`]{1,2000}?)``"))
# `name:target[label]` macros, found in one pass (inline_macros.py: a regular expression retried
# the target's bound at every `link:` of `link:link:…`).
_TARGET = r"^\s\["
_LABEL = r"\[([^\[\]]{0,500}+)\]"
_LINK_MACRO = Marked("link:", InlineMacro(r"\blink:", _TARGET, _LABEL, 1, 2000))
_URL_MACRO = Marked(("http", "ftp:", "mailto:"), InlineMacro(r"\b(?:https?|ftp|mailto):", r"^\s\[\]", _LABEL, 1, 2000))
_XREF = Marked("xref:", InlineMacro(r"\bxref:", _TARGET, _LABEL, 1, 1000))
_CROSS_REFERENCE = Marked("<<", linear_regex.compile(r"<<([^,<>\n]{1,300})(?:,\s*([^<>\n]{1,300}))?>>"))
_IMAGE = Marked("image:", InlineMacro(r"\bimage:", _TARGET, r"\[([^\[\],]{0,300}+)[^\[\]]{0,500}+\]", 0, 1000))
# After no word character (`\b`, whatever the script).
_UI_MACRO = Marked(":[", Unattached(r"(?:kbd|btn|pass|stem|latexmath|asciimath):\[([^\[\]]{0,300}+)\]", ""))
_MENU = Marked("menu:", InlineMacro(r"\bmenu:", _TARGET, r"\[([^\[\]]{0,300}+)\]", 1, 200))
_FOOTNOTE = Marked("footnote", Unattached(r"footnote(?:ref)?:[\w-]*\[[^\[\]]{0,1000}+\]", ""))
_ATTRIBUTE_REFERENCE = Marked("{", linear_regex.compile(r"\{([\w-]+)\}"))
# A role before a formatting mark (group 1, put back).
_ROLE = Marked("[", linear_regex.compile(r"\[[.#][\w.#-]*\]([#*_`])"))
_MARKS = "*_#"
# `**text**`, `__text__`, `##text##`: one group per mark, text of 1 to 500 characters on one
# line that starts and ends with no blank.
_UNCONSTRAINED = Marked(tuple(mark * 2 for mark in _MARKS), linear_regex.compile("|".join(
    linear_regex.escape(mark * 2) + r"(\S(?:[^\n]{0,498}?\S)??)" + linear_regex.escape(mark * 2) for mark in _MARKS)))
# `*text*`, `_text_`, `#text#`, neither after nor before a word character or a mark: one group
# per mark, text of 1 to 501 characters on one line that starts and ends with neither a blank
# nor a mark.
_CONSTRAINED = Marked(tuple(_MARKS), Unattached("|".join(
    linear_regex.escape(mark) + r"([^\s*_#](?:[^\n]{0,499}?[^\s*_#])??)" + linear_regex.escape(mark) for mark in _MARKS),
    _MARKS, _MARKS))
_BUILT_IN_ATTRIBUTES = {"nbsp": " ", "sp": " ", "zwsp": "", "empty": "", "amp": "&", "lt": "<",
                        "gt": ">", "quot": '"', "apos": "'", "plus": "+", "vbar": "|", "caret": "^",
                        "tilde": "~", "backslash": "\\", "startsb": "[", "endsb": "]"}

Links = list[tuple[str, str]]


def asciidoc_inline_to_text(text: str, attributes: dict[str, str]) -> tuple[str, Links]:
    aside = SetAside()
    links: Links = []

    text = _ATTRIBUTE_REFERENCE.sub(lambda m: _attribute(attributes, m.group(1)), text)
    text = _PASSTHROUGH.sub(lambda m: aside.keep(m.group(1) or m.group(2) or ""), text)
    text = _MONOSPACE.sub(lambda m: aside.keep(m.group(1) or m.group(2)), text)
    text = _XREF.sub(lambda m: _link(links, m.target, m.tail[1] or _humanise(m.target)), text)
    text = _LINK_MACRO.sub(lambda m: _link(links, m.target, m.tail[1] or m.target), text)
    text = _URL_MACRO.sub(lambda m: _link(links, m.head, m.tail[1] or m.head), text)
    text = _CROSS_REFERENCE.sub(lambda m: _cross_reference(links, m.group(1), m.group(2)), text)
    text = _IMAGE.sub(lambda m: f" {m.tail[1]} ", text)
    text = _UI_MACRO.sub(lambda m: m.group(1), text)
    text = _MENU.sub(lambda m: f"{m.target} > {m.tail[1]}", text)
    text = _FOOTNOTE.sub(lambda m: "", text)
    text = _UNCONSTRAINED.sub(lambda m: _marked(m)[1], _ROLE.sub(lambda m: m.group(1), text))
    text = _CONSTRAINED.sub(lambda m: _marked(m)[1], text)
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
    text = _PASSTHROUGH.sub(lambda m: keep(escape_markdown(m.group(1) or m.group(2) or "")), text)
    text = _MONOSPACE.sub(lambda m: keep(code_span(m.group(1) or m.group(2))), text)
    text = _XREF.sub(lambda m: link(m.target, m.tail[1] or _humanise(m.target)), text)
    text = _LINK_MACRO.sub(lambda m: link(m.target, m.tail[1] or m.target), text)
    text = _URL_MACRO.sub(lambda m: link(m.head, m.tail[1] or m.head), text)
    text = _CROSS_REFERENCE.sub(
                    lambda m: keep(escape_markdown(_cross_reference(ignored, m.group(1), m.group(2)))), text)
    text = _IMAGE.sub(lambda m: f" {m.tail[1]} ", text)
    text = _UI_MACRO.sub(lambda m: m.group(1), text)
    text = _MENU.sub(lambda m: f"{m.target} > {m.tail[1]}", text)
    text = _FOOTNOTE.sub(lambda m: "", text)
    text = _UNCONSTRAINED.sub(lambda m: keep(_strong_or_em(*_marked(m))), _ROLE.sub(lambda m: m.group(1), text))
    text = _CONSTRAINED.sub(lambda m: keep(_strong_or_em(*_marked(m))), text)
    return aside.restore(close_gaps_before_punctuation(escape_markdown(text)))


def _marked(match: linear_regex.Match) -> tuple[str, str]:
    """(mark, text) of a constrained or unconstrained span."""
    index = next(index for index in range(1, len(_MARKS) + 1) if match.group(index) is not None)
    return _MARKS[index - 1], match.group(index)


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
    resolved = target if ("#" in target or target.lower().endswith(extensions_of("asciidoc"))) else f"#{target}"
    return _link(links, resolved, (label or _humanise(target)).strip())


def _humanise(target: str) -> str:
    name = target.split("#")[-1] or target.split("#")[0]
    name = linear_regex.sub(r"\.(adoc|asciidoc)$", "", name.rsplit("/", 1)[-1])
    return linear_regex.sub(r"[-_]+", " ", name).strip()
