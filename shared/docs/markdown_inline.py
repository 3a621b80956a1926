"""Markdown inline markup → plain text plus the links it contained. Inline code is kept as words
(it names things a learner must know); images keep their alt text but are not links; HTML tags
go, their text stays. Every pattern is bounded so a megabyte-long line cannot backtrack for ever."""
from __future__ import annotations

import html
import re

from shared.docs.builder import close_gaps_before_punctuation
from shared.docs.placeholders import SetAside
from shared.docs.html import DARK_MODE_TWIN, alt_repeats_file_name, html_links, strip_tags
from shared.docs.markdown_out import code_span, escape_markdown
from shared.docs.rst_inline import role_markdown, role_text

_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)([^`]{1,2000}?)\1(?!`)")
# No part of a span may contain the `[` or `<` that opens the next candidate, and nothing gives
# characters back: otherwise every `[](` of a long line rescanned the 1,000 characters after it.
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,300})\](?:\(([^)\n\[]{0,1000}+)\)|\[[^\[\]\n]{0,300}\])")
_BADGE = re.compile(r"shields\.io|badge|/workflows/|travis-ci|codecov|coveralls", re.IGNORECASE)
_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\(\s*+<?([^()\[\s<>]{0,1000}+)>?(?:\s++[\"'(][^)\n\[]{0,300}+)?\s*+\)")
_REFERENCE_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\[([^\[\]\n]{0,300})\]")
_SHORTCUT_LINK = re.compile(r"\[([^\[\]\n^]{1,300})\](?![(\[:])")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]{1,2000}+|mailto:[^<>\s]{1,500}+)>")
_FOOTNOTE = re.compile(r"\[\^[^\[\]\n]{1,100}\]")
_EMPHASIS = re.compile(r"(?:\*{1,3}|~~|(?<!\w)_{1,3})(?=\S)|(?<=\S)(?:\*{1,3}|~~|_{1,3}(?!\w))")
# Inline HTML that says what Markdown says: code, strong, emphasis (no tag inside: bounded).
_HTML_CODE = re.compile(r"<(code|kbd|tt)(?:\s[^<>]{0,200})?>([^<]{1,2000})</\1\s*>", re.IGNORECASE)
_HTML_STRONG = re.compile(r"<(strong|b|em|i)>([^<]{1,500})</\1\s*>", re.IGNORECASE)
# A MyST role ({doc}`install`, {py:class}`~pkg.Client`): Sphinx's roles written in Markdown.
# Never one opening inside a code span: click's "`{FOO_BAR}` is the executable name …`bash`"
# is code, then prose.
_MYST_ROLE = re.compile(r"(?<!`)\{(?:[\w-]{1,30}:)?([\w-]{1,30})\}`([^`]{1,1000})`")
_CRUDE_MARKUP = re.compile(r"[*_`~\[\]<>|]+")
LONGEST_PARSED_PARAGRAPH = 200_000

Links = list[tuple[str, str]]


def inline_to_text(text: str, references: dict[str, str] | None = None) -> tuple[str, Links]:
    """Plain text of a paragraph, and its links as (target, text) in order of appearance."""
    if len(text) > LONGEST_PARSED_PARAGRAPH:
        return _CRUDE_MARKUP.sub(" ", text), []
    references = references or {}
    aside = SetAside()
    links: Links = []
    if "}`" in text:
        text = _MYST_ROLE.sub(lambda m: aside.keep(role_text(links, m.group(1), m.group(2))), text)
    # Code spans first: backslash escapes do not apply inside them (`\` is a backslash).
    text = _CODE_SPAN.sub(lambda m: aside.keep(m.group(2).strip()), text)
    if "<" in text:
        text = _HTML_CODE.sub(lambda m: aside.keep(html.unescape(m.group(2)).strip()), text)
    text = _ESCAPE.sub(lambda m: aside.keep(m.group(1)), text)
    text, anchors = html_links(text)
    links.extend(anchors)
    text = _AUTOLINK.sub(lambda m: _keep_link(links, m.group(1), m.group(1)), text)
    text = _IMAGE.sub(_image_alt, text)
    text = _LINK.sub(lambda m: _keep_link(links, m.group(2), m.group(1)), text)
    text = _REFERENCE_LINK.sub(lambda m: _reference(links, references, m.group(1), m.group(2)), text)
    text = _FOOTNOTE.sub("", text)
    text = _SHORTCUT_LINK.sub(lambda m: _reference(links, references, m.group(1), ""), text)
    text = _EMPHASIS.sub("", strip_tags(text))
    text = close_gaps_before_punctuation(text)  # code still set aside: its blanks stay
    restore = aside.restore
    text = restore(html.unescape(text))  # an entity in inline code is code: "&lt;" stays
    return text, [(restore(target), _plain_label(restore(label))) for target, label in links]


def inline_to_markdown(text: str, references: dict[str, str] | None = None) -> str:
    """The same paragraph as Markdown a reader sees: code spans (their spacing intact), emphasis
    and links kept, reference links made inline, images as their alt text, HTML tags and
    footnote marks gone. The same patterns as `inline_to_text`, so the same linear cost."""
    if len(text) > LONGEST_PARSED_PARAGRAPH:
        return escape_markdown(_CRUDE_MARKUP.sub(" ", text))
    references = references or {}
    aside = SetAside()
    keep = aside.keep
    if "}`" in text:
        text = _MYST_ROLE.sub(lambda m: keep(role_markdown(m.group(1), m.group(2))), text)
    text = _CODE_SPAN.sub(lambda m: keep(code_span(m.group(2))), text)
    if "<" in text:
        text = _HTML_CODE.sub(lambda m: keep(code_span(html.unescape(m.group(2)))), text)
        text = _HTML_STRONG.sub(lambda m: keep(_html_emphasis(m.group(1), m.group(2))), text)
    text = _ESCAPE.sub(lambda m: keep("\\" + m.group(1)), text)
    text, _ = html_links(text)
    text = _AUTOLINK.sub(lambda m: keep(_markdown_link(m.group(1), m.group(1))), text)
    text = _IMAGE.sub(lambda m: f" {keep(escape_markdown(alt))} " if (alt := _image_alt(m).strip()) else "", text)
    text = _LINK.sub(lambda m: keep(_markdown_link(m.group(2), m.group(1))), text)
    text = _REFERENCE_LINK.sub(
        lambda m: keep(_markdown_link(references.get((m.group(2) or m.group(1)).strip().lower(), ""),
                                      m.group(1))), text)
    text = _FOOTNOTE.sub("", text)
    text = _SHORTCUT_LINK.sub(
        lambda m: keep(_markdown_link(references.get(m.group(1).strip().lower(), ""), m.group(1))), text)
    text = html.unescape(strip_tags(text)).replace("<", "\\<")
    return aside.restore(close_gaps_before_punctuation(text))


def _html_emphasis(tag: str, body: str) -> str:
    body = escape_markdown(html.unescape(body).strip())
    mark = "**" if tag.lower() in ("strong", "b") else "*"
    return f"{mark}{body}{mark}" if body else ""


def _markdown_link(target: str, label: str) -> str:
    label = label.strip()
    if not target or not label:
        return label
    return f"[{label}]({target})"


def _image_alt(match: re.Match) -> str:
    """An image's alt text stays as prose, except a status badge's ("Build Status", "PyPI"), a
    dark-mode twin's and one that only repeats the file's name (a logo)."""
    target = match.group(2) or ""
    if _BADGE.search(target) or DARK_MODE_TWIN.search(target) or alt_repeats_file_name(match.group(1), target):
        return ""
    return f" {match.group(1)} "


def _keep_link(links: Links, target: str, label: str) -> str:
    if target:
        links.append((target, label))
    return label


def _reference(links: Links, references: dict[str, str], label: str, name: str) -> str:
    target = references.get((name or label).strip().lower())
    if target:
        links.append((target, label))
    return label


def _plain_label(label: str) -> str:
    return html.unescape(_EMPHASIS.sub("", strip_tags(label))).strip()
