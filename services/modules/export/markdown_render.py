"""A small Markdown → HTML renderer for the static site: headings, paragraphs, lists (nested by
indentation), block quotes, rules, fenced code (highlighted), pipe tables, emphasis, inline code
and links. Every piece of text is HTML-escaped; raw HTML is never passed through; a link becomes
an href only when the link policy accepts its target; images become their alt text (no requests)."""
from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, replace

from shared.docs.markdown_lines import atx_heading, is_table_delimiter

from .highlight import highlight
from ..markdown_text import TARGET, LinkPolicy, acceptable_url, url_scheme

MAX_NESTING = 8
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^\s`]*)")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_ITEM = re.compile(r"^(?P<indent> {0,3})(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>\s+|$)")
# Spans stay within a line and have bounded length, and no span can run past the marker that
# opens the next one (a code span holds no backtick), so unclosed markers cost linear time: a
# code body of `.{1,2000}?` closed by any run of ticks was cubic in a long run of backticks.
_INLINE = re.compile(
    r"(?P<escape>\\[!-/:-@\[-`{-~])|(?P<code>(?<!`)(?P<ticks>`+)(?P<code_body>[^`\n]{1,2000}?)(?P=ticks)(?!`))"
    rf"|(?P<image>!\[(?P<alt>[^\[\]\n]{{0,500}})\]\({TARGET}(?:\s+\"[^\"\n]*\")?\))"
    rf"|(?P<link>\[(?P<text>(?:\\.|[^\[\]\\\n]){{1,500}})\]\((?P<href>{TARGET})(?:\s+\"[^\"\n]*\")?\))"
    r"|(?P<strong>\*\*(?P<strong_body>[^*\s](?:[^*\n]{0,500}?[^*\s])?)\*\*)"
    r"|(?P<em>\*(?P<em_body>[^*\s](?:[^*\n]{0,500}?[^*\s])?)\*"
    r"|(?<!\w)_(?P<em_body2>[^_\s](?:[^_\n]{0,500}?[^_\s])?)_(?!\w))")


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
    parts, position = [], 0
    for match in _INLINE.finditer(text):
        parts.append(html.escape(text[position:match.start()]))
        parts.append(_inline_token(match, link_ok))
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def _inline_token(match: re.Match[str], link_ok: LinkPolicy) -> str:
    if match["escape"]:
        return html.escape(match["escape"][1])
    if match["code"]:
        return f"<code>{html.escape(match['code_body'].strip())}</code>"
    if match["image"]:
        return f"<em>{html.escape(match['alt'])}</em>"
    if match["link"]:
        label, href = render_inline(match["text"], link_ok), match["href"]
        if not (acceptable_url(href) and link_ok(href)):
            return label
        external = ' rel="noopener noreferrer"' if url_scheme(href) in ("http", "https") else ""
        return f'<a href="{html.escape(href, quote=True)}"{external}>{label}</a>'
    if match["strong"]:
        return f"<strong>{render_inline(match['strong_body'], link_ok)}</strong>"
    return f"<em>{render_inline(match['em_body'] or match['em_body2'], link_ok)}</em>"


def _starts_block(line: str) -> bool:
    return bool(_FENCE.match(line) or atx_heading(line) or _RULE.match(line)
                or _QUOTE.match(line) or _ITEM.match(line))


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
            while i < len(lines) and _QUOTE.match(lines[i]):
                quoted.append(_QUOTE.sub("", lines[i], count=1))
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


def _code_block(lines: list[str], i: int, fence: re.Match[str], out: list[str]) -> int:
    marker, language = fence["fence"], fence["info"].lower()
    body, i = [], i + 1
    while i < len(lines) and not (lines[i].strip().startswith(marker[0] * len(marker))
                                  and not lines[i].strip().strip(marker[0])):
        body.append(lines[i])
        i += 1
    out.append(code_html("\n".join(body), language))
    return i + 1


def code_html(code: str, language: str) -> str:
    css_language = re.sub(r"[^a-z0-9+#-]", "", language.lower())
    attribute = f' class="language-{css_language}"' if css_language else ""
    return f"<pre><code{attribute}>{highlight(code, language)}</code></pre>"


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
