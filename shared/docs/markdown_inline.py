"""Markdown inline markup → plain text plus the links it contained. Inline code is kept as words
(it names things a learner must know); images keep their alt text but are not links; HTML tags
go, their text stays. Every pattern is bounded so a megabyte-long line cannot backtrack for ever."""
from __future__ import annotations

import html
from collections.abc import Callable, Iterator

from shared import linear_regex
from shared.docs.builder import close_gaps_before_punctuation
from shared.docs.placeholders import SetAside
from shared.docs.html_text import DARK_MODE_TWIN, alt_repeats_file_name, html_links, is_word, strip_tags
from shared.docs.markdown_out import code_span, escape_markdown
from shared.docs.rst_inline import role_markdown, role_text

_ESCAPE = linear_regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_LONGEST_CODE_SPAN = 2000
# No part of a span may contain the `[` or `<` that opens the next candidate, and nothing gives
# characters back: otherwise every `[](` of a long line rescanned the 1,000 characters after it.
_IMAGE = linear_regex.compile(r"!\[([^\[\]\n]{0,300})\](?:\(([^)\n\[]{0,1000}+)\)|\[[^\[\]\n]{0,300}\])")
_BADGE = linear_regex.compile(r"shields\.io|badge|/workflows/|travis-ci|codecov|coveralls", linear_regex.IGNORECASE)
# `[label](target "title")`, the target in group 2 with its optional `<` `>` (_link_target
# takes them off). The blanks after `(` are all of them: a title's blanks cannot be borrowed from there,
# so with nothing but blanks before it a title is not a link's.
_LINK = linear_regex.compile(r"\[([^\[\]\n]{0,500})\]\(\s*(?:(<[^()\[\s<>]{0,1000}>?|[^()\[\s<>]{1,1000}>?|>)"
                             r"(?:\s+[\"'(][^)\n\[]{0,300})?\s*)?\)")
_REFERENCE_LINK = linear_regex.compile(r"\[([^\[\]\n]{1,500})\]\[([^\[\]\n]{0,300})\]")
# Not followed by `(`, `[` or `:` (an inline link, a reference link or a definition): _shortcut.
_SHORTCUT_LINK = linear_regex.compile(r"\[([^\[\]\n^]{1,300})\]")
_AUTOLINK = linear_regex.compile(r"<((?:https?|ftp)://[^<>\s]{1,2000}+|mailto:[^<>\s]{1,500}+)>")
_FOOTNOTE = linear_regex.compile(r"\[\^[^\[\]\n]{1,100}\]")
# Inline HTML that says what Markdown says: code, strong, emphasis (no tag inside: bounded). The
# closing tag must name the opening one: _same_tag.
_HTML_CODE = linear_regex.compile(r"<(code|kbd|tt)(?:\s[^<>]{0,200})?>([^<]{1,2000})</(code|kbd|tt)\s*>",
                                  linear_regex.IGNORECASE)
_HTML_STRONG = linear_regex.compile(r"<(strong|b|em|i)>([^<]{1,500})</(strong|b|em|i)\s*>", linear_regex.IGNORECASE)
_LONGEST_HTML_CODE = 2000
# A MyST role ({doc}`install`, {py:class}`~pkg.Client`): Sphinx's roles written in Markdown.
# Never one opening inside a code span: click's "`{FOO_BAR}` is the executable name …`bash`"
# is code, then prose. Group 1 is the character before the role (not a backtick), kept.
_MYST_ROLE = linear_regex.compile(r"(^|[^`])\{(?:[\w-]+:)?([\w-]+)\}`([^`]{1,1000})`")
_CRUDE_MARKUP = linear_regex.compile(r"[*_`~\[\]<>|]+")
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
        text = _MYST_ROLE.sub(lambda m: m.group(1) + aside.keep(role_text(links, m.group(2), m.group(3))), text)
    # Code spans first: backslash escapes do not apply inside them (`\` is a backslash).
    text = _replace_code_spans(text, lambda code: aside.keep(code.strip()))
    if "<" in text:
        text = _HTML_CODE.sub(_same_tag(lambda m: aside.keep(html.unescape(m.group(2)).strip()), _LONGEST_HTML_CODE), text)
    text = _sub(_ESCAPE, lambda m: aside.keep(m.group(1)), text)
    text, anchors = html_links(text)
    links.extend(anchors)
    text = _sub(_AUTOLINK, lambda m: _keep_link(links, m.group(1), m.group(1)), text)
    text = _sub(_IMAGE, _image_alt, text)
    text = _sub(_LINK, lambda m: _keep_link(links, _link_target(m), m.group(1)), text)
    text = _sub(_REFERENCE_LINK, lambda m: _reference(links, references, m.group(1), m.group(2)), text)
    text = _sub(_FOOTNOTE, "", text)
    text = _sub(_SHORTCUT_LINK, _shortcut(lambda m: _reference(links, references, m.group(1), "")), text)
    text = _without_emphasis(strip_tags(text))
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
        text = _MYST_ROLE.sub(lambda m: m.group(1) + keep(role_markdown(m.group(2), m.group(3))), text)
    text = _replace_code_spans(text, lambda code: keep(code_span(code)))
    if "<" in text:
        text = _HTML_CODE.sub(_same_tag(lambda m: keep(code_span(html.unescape(m.group(2)))), _LONGEST_HTML_CODE), text)
        text = _HTML_STRONG.sub(_same_tag(lambda m: keep(_html_emphasis(m.group(1), m.group(2)))), text)
    text = _sub(_ESCAPE, lambda m: keep("\\" + m.group(1)), text)
    text, _ = html_links(text)
    text = _sub(_AUTOLINK, lambda m: keep(_markdown_link(m.group(1), m.group(1))), text)
    text = _sub(_IMAGE, lambda m: f" {keep(escape_markdown(alt))} " if (alt := _image_alt(m).strip()) else "", text)
    text = _sub(_LINK, lambda m: keep(_markdown_link(_link_target(m), m.group(1))), text)
    text = _sub(_REFERENCE_LINK,
                lambda m: keep(_markdown_link(references.get((m.group(2) or m.group(1)).strip().lower(), ""),
                                              m.group(1))), text)
    text = _sub(_FOOTNOTE, "", text)
    text = _sub(_SHORTCUT_LINK, _shortcut(
        lambda m: keep(_markdown_link(references.get(m.group(1).strip().lower(), ""), m.group(1)))), text)
    text = html.unescape(strip_tags(text)).replace("<", "\\<")
    return aside.restore(close_gaps_before_punctuation(text))


# What a match of each pattern must contain: a text without it is left as it is, unsearched.
_NEEDS = {_ESCAPE: "\\", _AUTOLINK: "<", _IMAGE: "![", _LINK: "](", _REFERENCE_LINK: "][", _FOOTNOTE: "[^",
          _SHORTCUT_LINK: "["}


def _sub(pattern: linear_regex.Pattern, replace: str | Callable[[linear_regex.Match], str], text: str) -> str:
    return pattern.sub(replace, text) if _NEEDS[pattern] in text else text


def code_spans(text: str, longest_run: int | None = None, after_backslash: bool = False,
               across_lines: bool = True) -> Iterator[tuple[int, int, int]]:
    """(start, end, backticks) of each code span, in order: a run of backticks, at most
    `_LONGEST_CODE_SPAN` characters without one (nor a newline unless `across_lines`), then a run
    of the same length. A run longer than `longest_run`, or right after a backslash unless
    `after_backslash`, opens none. One pass over the runs: the text up to the next run is the only
    content a run can open."""
    opening: tuple[int, int] | None = None      # the run that may open a span: (start, end)
    start = text.find("`")
    while start >= 0:
        end = start + 1
        while end < len(text) and text[end] == "`":
            end += 1
        if opening is not None and end - start == opening[1] - opening[0] \
                and start - opening[1] <= _LONGEST_CODE_SPAN \
                and (across_lines or text.find("\n", opening[1], start) < 0):
            yield opening[0], end, end - start
            opening = None
        elif (longest_run is None or end - start <= longest_run) \
                and (after_backslash or start == 0 or text[start - 1] != "\\"):
            opening = start, end
        else:
            opening = None
        start = text.find("`", end)


def _replace_code_spans(text: str, replace: Callable[[str], str]) -> str:
    """Each code span (its backticks included) replaced by `replace(its content)`."""
    if "`" not in text:
        return text
    pieces: list[str] = []
    done = 0
    for start, end, ticks in code_spans(text):
        pieces.append(text[done:start])
        pieces.append(replace(text[start + ticks:end - ticks]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _same_tag(replace: Callable[[linear_regex.Match], str], longest: int | None = None
              ) -> Callable[[linear_regex.Match], str]:
    """A replacement for an inline HTML element only when its closing tag names its opening one
    and its text (group 2) is at most `longest`; else the text stays. Its text holds no `<`, so no
    other element can start inside it."""
    def checked(match: linear_regex.Match) -> str:
        if match.group(1).lower() != match.group(3).lower() or (longest is not None and len(match.group(2)) > longest):
            return match.group(0)
        return replace(match)
    return checked


def _shortcut(replace: Callable[[linear_regex.Match], str]) -> Callable[[linear_regex.Match], str]:
    """A replacement for `[label]` unless `(`, `[` or `:` follows it; then it stays (its label
    holds no `[`, so no other one starts inside it)."""
    def checked(match: linear_regex.Match) -> str:
        after = match.string[match.end():match.end() + 1]
        return match.group(0) if after and after in "([:" else replace(match)
    return checked


def _link_target(match: linear_regex.Match) -> str:
    """An inline link's target without its `<` `>` (which the target itself cannot hold)."""
    target = match.group(2) or ""
    target = target[1:] if target.startswith("<") else target
    return target[:-1] if target.endswith(">") else target


def _without_emphasis(text: str) -> str:
    """Emphasis marks removed: `*`, `**`, `***` or `~~` before a non-blank or after one, and
    `_` … `___` the same way unless inside a word (`snake_case` keeps its underscore)."""
    if "*" not in text and "_" not in text and "~" not in text:
        return text
    pieces: list[str] = []
    done = 0
    for start in [at for at, char in enumerate(text) if char in "*_~"]:
        if start < done:
            continue
        end = _emphasis_end(text, start)
        if end > start:
            pieces.append(text[done:start])
            done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _emphasis_end(text: str, start: int) -> int:
    """Where the emphasis mark at `start` ends, or -1 when it is none. An opening mark is followed
    by a non-blank (of a longer run, the last one of three may be that non-blank); a closing one
    follows a non-blank. An opening `_` is not after a letter, digit or `_`; a closing run of `_`
    (three at most) is not before one."""
    mark = text[start]
    before = text[start - 1] if start else ""
    after_text = bool(before) and not before.isspace()
    if mark == "~":
        if not text.startswith("~~", start):
            return -1
        after = text[start + 2:start + 3]
        return start + 2 if (after and not after.isspace()) or after_text else -1
    run = 1
    while run < 4 and text.startswith(mark, start + run):
        run += 1
    length = min(run, 3)
    if mark == "*" or not is_word(before):
        after = text[start + length:start + length + 1]
        if after and not after.isspace():
            return start + length
        if length > 1:
            return start + length - 1
    if not after_text:
        return -1
    if mark == "*":
        return start + length
    after = text[start + run:start + run + 1]
    return start + run if run <= 3 and not is_word(after) else -1


def _html_emphasis(tag: str, body: str) -> str:
    body = escape_markdown(html.unescape(body).strip())
    mark = "**" if tag.lower() in ("strong", "b") else "*"
    return f"{mark}{body}{mark}" if body else ""


def _markdown_link(target: str, label: str) -> str:
    label = label.strip()
    if not target or not label:
        return label
    return f"[{label}]({target})"


def _image_alt(match: linear_regex.Match) -> str:
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
    return html.unescape(_without_emphasis(strip_tags(label))).strip()
