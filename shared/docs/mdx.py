"""MDX = Markdown + JSX + ES modules. The module lines (`import`, `export`) and the JSX tags of
components (`<Tabs>`, `<Admonition type="tip">`, `<Card />`) are removed, the text between the
tags is kept, and what remains is parsed as Markdown. Code fences are left untouched. A file shown
as code through Docusaurus's raw-loader (`import Source from '!!raw-loader!./app.js'` and
`<CodeBlock language="js">{Source}</CodeBlock>`) is read from the repository like any include."""
from __future__ import annotations

from shared import linear_regex
from shared.docs.builder import DocumentBuilder
from shared.docs.fences import Fenced, split_fenced
from shared.docs.front_matter import split_front_matter
from shared.docs.includes import Includes
from shared.docs.markdown import add_markdown
from shared.docs.markdown_inline import code_spans
from shared.docs.markdown_out import fenced_block
from shared.docs.model import ParsedDocument
from shared.docs.placeholders import SetAside

_MODULE_LINE = linear_regex.compile(r"^(?:import|export)\s")
_RAW_LOADER_IMPORT = linear_regex.compile(
    r"""^import\s+(?P<name>[A-Za-z_$][\w$]{0,100})\s+from\s+['"]!!raw-loader!(?P<path>[^'"\s]{1,500})['"];?$""")
_CODE_BLOCK = linear_regex.compile(
    r"^<CodeBlock(?P<attributes>\s[^<>{}]{0,500})?>\s*\{(?P<name>[A-Za-z_$][\w$]{0,100})\}\s*</CodeBlock>$")
_LANGUAGE_ATTRIBUTE = linear_regex.compile(r"""language=["'](?P<language>[\w+#-]{1,30})["']""")
# A component tag, attributes allowed to hold `{…}` expressions one level deep (which may
# contain `>` as in arrow functions). Capitalised or dotted names only: lower-case tags are HTML
# and the Markdown parser already strips those.
_COMPONENT_TAG = linear_regex.compile(
    r"</?[A-Z][\w.]*(?:\s(?:[^<>{}]|\{[^{}]{0,2000}(?:\{[^{}]{0,2000}\}[^{}]{0,2000}){0,20}\})"
    r"{0,2000})?\s*/?>")
_FRAGMENT = linear_regex.compile(r"</?>")
# Code spans of one to three backticks on one line (code_spans).
_LONGEST_CODE_SPAN_RUN = 3
_EXPRESSION_COMMENT = linear_regex.compile(r"\{/\*.{0,5000}?\*/\}", linear_regex.DOTALL)
# Blanks within the line only: `^\s*` ran across every following empty line from each line start.
# (`\s` but the newline, spelt out: RE2 has no `[^\S\n]`.)
_BLANK = r"[\t\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_EXPRESSION_LINE = linear_regex.compile(rf"^{_BLANK}*\{{[^\n]{{0,2000}}\}}{_BLANK}*$", linear_regex.MULTILINE)
_LONGEST_MODULE_STATEMENT_LINES = 200


def parse_mdx(path: str, text: str, includes: Includes | None = None) -> ParsedDocument:
    builder = DocumentBuilder(path, "mdx")
    builder.front_matter, body = split_front_matter(text)
    raw = raw_loader_imports(body) if "raw-loader!" in body else {}
    chunks = []
    for part in split_fenced(body.split("\n")):
        if isinstance(part, Fenced):
            chunks.append(_refence(part))
        else:
            lines = [_code_block_include(line, raw) for line in part] if raw else part
            chunks.append(_strip_jsx("\n".join(_without_module_lines(lines))))
    # MDX has no indented code: indentation there is JSX nesting, and its children are prose.
    add_markdown(builder, "\n".join(chunks), indented_code=False, includes=includes)
    return builder.build()


def raw_loader_imports(text: str) -> dict[str, str]:
    """Docusaurus's way to show a file as code: `import Source from '!!raw-loader!./app.js';` →
    {"Source": "./app.js"} (`@site/` is the site's root)."""
    found: dict[str, str] = {}
    for line in text.split("\n"):
        if match := _RAW_LOADER_IMPORT.match(line.strip()):
            found[match["name"]] = match["path"].replace("@site/", "@/", 1)
    return found


def _code_block_include(line: str, raw: dict[str, str]) -> str:
    """`<CodeBlock language="jsx">{Source}</CodeBlock>` of a raw-loader import → the one-line code
    include the Markdown parser resolves (`<<< path{language}`: VitePress's form, same meaning)."""
    match = _CODE_BLOCK.match(line.strip()) if "CodeBlock" in line else None
    if match is None or match["name"] not in raw:
        return line
    language = _LANGUAGE_ATTRIBUTE.search(match["attributes"] or "")
    return f"<<< {raw[match['name']]}" + (f"{{{language['language']}}}" if language else "")


def _without_module_lines(lines: list[str]) -> list[str]:
    """Drop `import …` / `export …` statements, following multi-line ones until their brackets
    balance (`export const meta = {` … `};`)."""
    kept: list[str] = []
    depth, skipped = 0, 0
    for line in lines:
        if depth > 0 and skipped < _LONGEST_MODULE_STATEMENT_LINES:
            depth += _bracket_balance(line)
            skipped += 1
            continue
        if _MODULE_LINE.match(line):
            depth, skipped = max(0, _bracket_balance(line)), 0
            continue
        depth = 0
        kept.append(line)
    return kept


def _bracket_balance(line: str) -> int:
    return sum(line.count(c) for c in "{[(") - sum(line.count(c) for c in "}])")


def _strip_jsx(text: str) -> str:
    # Code spans are text (`{/* #id */}` explains the syntax): set aside, so nothing here touches them.
    aside = SetAside()
    text = _set_aside_code_spans(text, aside)
    # Each pattern only where its first character is: most text between two fences has no JSX,
    # and a text of many tiny fenced blocks would pay four searches for each.
    if "{/*" in text:
        text = _EXPRESSION_COMMENT.sub("", text)
    if "<" in text:
        text = _COMPONENT_TAG.sub(" ", text)  # a tag alone on its line leaves a blank line: a break
        text = _FRAGMENT.sub("", text)
    if "{" in text:
        text = _EXPRESSION_LINE.sub("", text)
    return aside.restore(text)


def _set_aside_code_spans(text: str, aside: SetAside) -> str:
    if "`" not in text:
        return text
    pieces: list[str] = []
    done = 0
    for start, end, _ in code_spans(text, longest_run=_LONGEST_CODE_SPAN_RUN, after_backslash=True,
                                    across_lines=False):
        pieces.append(text[done:start])
        pieces.append(aside.keep(text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _refence(block: Fenced) -> str:
    return fenced_block(block.code, block.language)
