"""A small Markdown → HTML renderer for the static site: headings, paragraphs, lists (nested by
indentation), block quotes, rules, fenced code (highlighted), pipe tables, emphasis, inline code
and links. Every piece of text is HTML-escaped; raw HTML is never passed through; a link becomes
an href only when the link policy accepts its target; images become their alt text (no requests)."""
from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, replace

from shared import linear_regex
from shared.docs.markdown_lines import atx_heading, is_table_delimiter

from .highlight import highlight
from .pictures import DIAGRAM_LANGUAGES, diagram_html
from ..markdown_text import TARGET, LinkPolicy, acceptable_url, url_scheme

MAX_NESTING = 8
_FENCE = linear_regex.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^\s`]*)")
# Three or more of one of `-`, `*`, `_`, blanks between them allowed.
_RULE = linear_regex.compile(r"^ {0,3}(?:-(?:\s*-){2,}|\*(?:\s*\*){2,}|_(?:\s*_){2,})\s*$")
_QUOTE = linear_regex.compile(r"^ {0,3}> ?")
_ITEM = linear_regex.compile(r"^(?P<indent> {0,3})(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>\s+|$)")
# Inline spans, tried where each can start (no two start with the same character): a run of
# escapes, an image, a link, strong, emphasis; and a code span or an underscore emphasis, which
# start at a backtick or an underscore. Spans stay within a line and have bounded length, except a
# run of escapes: each span costs the same whatever its length, and one per escaped character
# would cost a text of backslashes many times a real document's cost.
_INLINE = linear_regex.compile(
    r"(?P<escape>(?:\\[!-/:-@\[-`{-~])+)"
    rf"|(?P<image>!\[(?P<alt>[^\[\]\n]{{0,500}})\]\({TARGET}(?:\s+\"[^\"\n]*\")?\))"
    rf"|(?P<link>\[(?P<text>(?:\\.|[^\[\]\\\n]){{1,500}})\]\((?P<href>{TARGET})(?:\s+\"[^\"\n]*\")?\))"
    r"|(?P<strong>\*\*(?P<strong_body>[^*\s](?:[^*\n]{0,500}?[^*\s])?)\*\*)"
    r"|(?P<em>\*(?P<em_body>[^*\s](?:[^*\n]{0,500}?[^*\s])?)\*)")
_OPENERS = frozenset("\\`![*_")  # what each kind of span starts with
_LONGEST_CODE_BODY = 2000
_LONGEST_EM_BODY = 502


@dataclass(frozen=True)
class _Context:
    link_ok: LinkPolicy
    offset: int             # added to heading levels, so content headings nest under the page's
    depth: int = 0          # of block quotes and lists

    def deeper(self) -> "_Context":
        return replace(self, depth=self.depth + 1)


def render_markdown(text: str, link_ok: LinkPolicy = acceptable_url, heading_offset: int = 0) -> str:
    return _render(text, _Context(link_ok, heading_offset))


def _render(text: str, context: _Context) -> str:
    if context.depth > MAX_NESTING:     # no prose nests this deep; show it as text, do not recurse
        return f"<p>{html.escape(text)}</p>"
    return "\n".join(_blocks(text.replace("\r\n", "\n").split("\n"), context))


def render_inline(text: str, link_ok: LinkPolicy = acceptable_url) -> str:
    if _OPENERS.isdisjoint(text):   # most cells, labels and bodies of emphasis: no span to search for
        return html.escape(text)
    parts, position = [], 0
    # All spans are found before any is rendered: rendering one searches its own text.
    for start, end, kind, body, href in _inline_spans(text):
        parts.append(html.escape(text[position:start]))
        parts.append(_inline_token(kind, body, href, link_ok))
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


# (start, end, kind, body, link target or ""): strings and numbers only, no match object. A text
# can hold a span every few characters, and the garbage collector walks every container still
# alive each time it runs: a match's own list of group spans, kept per span, would be walked again
# and again.
_Span = tuple[int, int, str, str, str]


def _inline_spans(text: str) -> list[_Span]:
    """The inline spans of `text`, left to right, each where the first that can start does.
    Whether a code span (closed by a run of as many backticks) or an underscore emphasis (not
    inside a word) starts at a backtick or an underscore is decided by `_code_span` and
    `_underscore_em`, which look at the characters around it; the next of each is found with
    `str.find`, and _INLINE searched again only once the span it found is behind: a text of lone
    backticks or underscores costs a few string operations per character, not a search each."""
    spans: list[_Span] = []
    at, found, tick, underscore = 0, _INLINE.search(text), text.find("`"), text.find("_")
    while True:
        if found is not None and found.start() < at:
            found = _INLINE.search(text, at)
        tick = text.find("`", at) if 0 <= tick < at else tick
        underscore = text.find("_", at) if 0 <= underscore < at else underscore
        start = min((position for position in (tick, underscore) if position >= 0), default=-1)
        if found is not None and not 0 <= start < found.start():
            start, end = found.start(), found.end()
            spans.append((start, end, *_matched_span(found, text[start])))
        elif start < 0:
            return spans
        else:
            opener = text[start]
            end, body = (_code_span if opener == "`" else _underscore_em)(text, start)
            if not end:
                # No span starts in this run of backticks or underscores: each of the others
                # comes right after a backtick, or a word character.
                at = _run_end(text, start, opener)
                continue
            spans.append((start, end, "code" if opener == "`" else "em", body, ""))
        at = end


def _matched_span(found: linear_regex.Match, opener: str) -> tuple[str, str, str]:
    """(kind, body, link target) of a span _INLINE matched; each kind starts with its own character."""
    if opener == "\\":
        return "escape", found["escape"][1::2], ""     # every other character: the escaped ones
    if opener == "!":
        return "image", found["alt"], ""
    if opener == "[":
        return "link", found["text"], found["href"]
    if found["strong"]:
        return "strong", found["strong_body"], ""
    return "em", found["em_body"], ""


def _code_span(text: str, start: int) -> tuple[int, str]:
    """(end, body) of the code span opening at `start`, or (0, ""): a run of backticks not right
    after another backtick, then 1 to 2000 characters on one line, closed by a run of exactly as
    many backticks (the body holds none, so the first run after it is the only candidate)."""
    if start and text[start - 1] == "`":
        return 0, ""
    opened = _run_end(text, start, "`")
    closing = text.find("`", opened, opened + _LONGEST_CODE_BODY + 1)
    if closing <= opened or "\n" in text[opened:closing]:
        return 0, ""
    closed = _run_end(text, closing, "`")
    if closed - closing != opened - start:
        return 0, ""
    return closed, text[opened:closing]


def _run_end(text: str, at: int, char: str) -> int:
    while at < len(text) and text[at] == char:
        at += 1
    return at


def _underscore_em(text: str, start: int) -> tuple[int, str]:
    """(end, body) of the `_emphasis_` opening at `start`, or (0, ""): not right after a word
    character, a body of at most 502 characters on one line that neither starts nor ends with a
    blank and holds no underscore (so the next underscore closes it), not followed by a word
    character."""
    if start and _is_word(text[start - 1]):
        return 0, ""
    closing = text.find("_", start + 1, start + _LONGEST_EM_BODY + 2)
    if closing < 0:
        return 0, ""
    body = text[start + 1:closing]
    if (not body or body[0].isspace() or body[-1].isspace() or "\n" in body
            or (closing + 1 < len(text) and _is_word(text[closing + 1]))):
        return 0, ""
    return closing + 1, body


def _is_word(char: str) -> bool:
    """A word character as Python's `\\w` has it."""
    return char.isalnum() or char == "_"


def _inline_token(kind: str, body: str, href: str, link_ok: LinkPolicy) -> str:
    if kind == "escape":
        return html.escape(body)
    if kind == "code":
        return f"<code>{html.escape(body.strip())}</code>"
    if kind == "image":
        return f"<em>{html.escape(body)}</em>"
    if kind == "link":
        label = render_inline(body, link_ok)
        if not (acceptable_url(href) and link_ok(href)):
            return label
        external = ' rel="noopener noreferrer"' if url_scheme(href) in ("http", "https") else ""
        return f'<a href="{html.escape(href, quote=True)}"{external}>{label}</a>'
    if kind == "strong":
        return f"<strong>{render_inline(body, link_ok)}</strong>"
    return f"<em>{render_inline(body, link_ok)}</em>"


# The blocks a line can start, by its first character after at most three spaces (a line starting
# otherwise starts none): each line of a paragraph is tested, so a line is tried only against the
# shapes that can start with its first character, and a fence only when it opens with three of
# its marker. A text of many short lines costs one test per line.
def _is_fence(content: str, line: str) -> bool:
    return content[:3] in ("```", "~~~") and bool(_FENCE.match(line))


def _is_item(content: str, line: str) -> bool:
    return bool(_ITEM.match(line))


_STARTS_BLOCK = {
    **dict.fromkeys("`~", _is_fence),
    "#": lambda content, line: atx_heading(line) is not None,
    **dict.fromkeys("-*", lambda content, line: bool(_RULE.match(line) or _ITEM.match(line))),
    "_": lambda content, line: bool(_RULE.match(line)),
    ">": lambda content, line: bool(_QUOTE.match(line)),
    "+": _is_item,
}


def _starts_block(line: str) -> bool:
    content = line.lstrip(" ")
    first = content[:1]
    # isdecimal: what `\d` matches, any script's digits (an ordered item's number)
    test = _is_item if first.isdecimal() else _STARTS_BLOCK.get(first)
    return test is not None and test(content, line)


def _blocks(lines: list[str], context: _Context) -> list[str]:
    link_ok, out, i = context.link_ok, [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif fence := _FENCE.match(line):
            i = _code_block(lines, i, fence, out)
        elif heading := atx_heading(line):
            level = min(6, heading[0] + context.offset)
            out.append(f"<h{level}>{render_inline(heading[1], link_ok)}</h{level}>")
            i += 1
        elif _RULE.match(line):
            out.append("<hr>")
            i += 1
        elif _QUOTE.match(line):
            quoted = []
            while i < len(lines) and (marker := _QUOTE.match(lines[i])):
                quoted.append(lines[i][marker.end():])
                i += 1
            out.append(_quote(_render(chr(10).join(quoted), context.deeper())))
        elif _ITEM.match(line):
            i = _list(lines, i, context, out)
        elif "|" in line and i + 1 < len(lines) and is_table_delimiter(lines[i + 1]):
            i = _table(lines, i, link_ok, out)
        else:
            paragraph = []
            while i < len(lines) and lines[i].strip() and not (paragraph and _starts_block(lines[i])):
                paragraph.append(lines[i].strip())
                i += 1
            out.append(f"<p>{render_inline(chr(10).join(paragraph), link_ok)}</p>")
    return out


def _quote(inner: str) -> str:
    """A block quote; one that opens with a bold label alone (`> **Note — TL;DR**`, how stage 4
    writes an admonition) is a callout, styled as one."""
    first, _, rest = inner.partition("\n")
    label = first[len("<p><strong>"):-len("</strong></p>")]
    if first.startswith("<p><strong>") and first.endswith("</strong></p>") and "<" not in label:
        return f'<blockquote class="callout"><p class="callout-label">{label}</p>{rest}</blockquote>'
    return f"<blockquote>{inner}</blockquote>"


def _code_block(lines: list[str], i: int, fence: linear_regex.Match, out: list[str]) -> int:
    marker, language = fence["fence"], fence["info"].lower()
    body, i = [], i + 1
    while i < len(lines) and not (lines[i].strip().startswith(marker[0] * len(marker))
                                  and not lines[i].strip().strip(marker[0])):
        body.append(lines[i])
        i += 1
    out.append(code_html("\n".join(body), language))
    return i + 1


def code_html(code: str, language: str) -> str:
    if language.lower() in DIAGRAM_LANGUAGES:  # drawn by stage 4, or shown as its source (pictures.py)
        return diagram_html(code, language.lower())
    css_language = linear_regex.sub(r"[^a-z0-9+#-]", "", language.lower())
    attribute = f' class="language-{css_language}"' if css_language else ""
    # A block wider than the page scrolls; tabindex lets a keyboard reach it to scroll it (WCAG 2.1.1).
    return f'<pre tabindex="0"><code{attribute}>{highlight(code, language)}</code></pre>'


def _list(lines: list[str], i: int, context: _Context, out: list[str]) -> int:
    first = _ITEM.match(lines[i])
    ordered, base = first["marker"][0].isdigit(), len(first["indent"])
    items: list[list[str]] = []
    while i < len(lines):
        item = _ITEM.match(lines[i])
        if item and len(item["indent"]) <= base:
            if item["marker"][0].isdigit() != ordered:
                break                       # another kind of list starts here
            items.append([lines[i][item.end():]])
        elif lines[i].strip() and (lines[i].startswith(" ") or not _starts_block(lines[i])):
            items[-1].append(lines[i])    # an indented or lazy continuation of the item
        elif not lines[i].strip() and i + 1 < len(lines) and lines[i + 1].startswith("  "):
            items[-1].append("")
        else:
            break
        i += 1
    tag = "ol" if ordered else "ul"
    rendered = [_list_item(item, context.deeper()) for item in items]
    out.append(f"<{tag}>" + "".join(f"<li>{body}</li>" for body in rendered) + f"</{tag}>")
    return i


def _list_item(item_lines: list[str], context: _Context) -> str:
    first, rest = item_lines[0], textwrap.dedent("\n".join(item_lines[1:]))
    body = _render(f"{first}\n{rest}".strip("\n"), context)
    if body.startswith("<p>") and body.count("<p>") == 1:     # a tight item: no paragraph box
        body = body[3:].replace("</p>", "", 1)
    return body


def _table(lines: list[str], i: int, link_ok: LinkPolicy, out: list[str]) -> int:
    def cells(row: str) -> list[str]:
        return [cell.strip() for cell in row.strip().strip("|").split("|")]
    header, i = cells(lines[i]), i + 2
    rows = []
    while i < len(lines) and "|" in lines[i] and lines[i].strip():
        rows.append(cells(lines[i]))
        i += 1
    head = "".join(f"<th>{render_inline(cell, link_ok)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{render_inline(cell, link_ok)}</td>" for cell in row) + "</tr>"
                   for row in rows)
    out.append(f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')
    return i
