"""A sentence of a document's plain text (`Section.text`, which stage 4 cuts into statements) quoted
as its Markdown (`Section.markdown`) writes it, so a key point or a gist keeps its inline code and
emphasis: "the `{% block %}` tags define four blocks", not "the {% block %} tags". A link keeps
its label only (its target is the source's, which the module's own links do not resolve).

The Markdown is read once into tokens, each with the plain text it stands for; a sentence is found
in their plain text and the tokens covering it are written back. Where the sentence is not found
whole, or would start or end inside a code span, the plain sentence is escaped instead, as before.
Linear in the Markdown's length: one pass, and a code span's closing run is looked for no further
than MOST_CODE_SPAN characters."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from shared.docs.markdown_out import escape_markdown

MOST_CODE_SPAN = 2_000  # the parsers write code spans on one line, whitespace collapsed
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_EMPHASIS = frozenset("*_")


@dataclass(frozen=True)
class _Token:
    plain: str      # what the reader sees
    markdown: str   # what is written back ("" for a link's target)
    emphasis: bool = False


class MarkdownQuoter:
    """Quotes sentences of one text's plain form as its Markdown writes them."""

    def __init__(self, markdown: str):
        self._tokens = _tokens(markdown)
        self._starts: list[int] = []
        plain: list[str] = []
        offset = 0
        for token in self._tokens:
            self._starts.append(offset)
            plain.append(token.plain)
            offset += len(token.plain)
        self._plain = "".join(plain)

    def quote(self, sentence: str) -> str:
        wanted = " ".join(sentence.split())
        start = self._plain.find(wanted) if wanted else -1
        if start < 0:
            return escape_markdown(sentence)
        end = start + len(wanted)
        first = self._token_at(start)
        last = self._token_at(end - 1)
        if self._starts[first] != start or self._starts[last] + len(self._tokens[last].plain) != end:
            return escape_markdown(sentence)  # it starts or ends inside a code span
        while first > 0 and self._tokens[first - 1].emphasis:
            first -= 1
        while last + 1 < len(self._tokens) and self._tokens[last + 1].emphasis:
            last += 1
        chosen = self._tokens[first:last + 1]
        if not _paired(chosen):  # half an emphasis: none at all
            chosen = [token for token in chosen if not token.emphasis]
        return "".join(token.markdown for token in chosen).strip()

    def _token_at(self, offset: int) -> int:
        low, high = 0, len(self._starts) - 1
        while low < high:  # the last token starting at or before `offset` that is not empty
            middle = (low + high + 1) // 2
            if self._starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        while low > 0 and not self._tokens[low].plain:
            low -= 1
        return low


def _paired(tokens: list[_Token]) -> bool:
    """Whether every run of emphasis marks ("**", "_") is closed by the same run later on."""
    runs: list[str] = []
    run = ""
    for token in [*tokens, _Token("", "")]:
        if token.emphasis:
            run += token.markdown
            continue
        if run and runs and runs[-1] == run:
            runs.pop()  # closes the run before it
        elif run:
            runs.append(run)
        run = ""
    return not runs


def _tokens(markdown: str) -> list[_Token]:
    tokens: list[_Token] = []
    index, size = 0, len(markdown)
    while index < size:
        char = markdown[index]
        if char == "\\" and index + 1 < size and markdown[index + 1] in _PUNCTUATION:
            tokens.append(_Token(markdown[index + 1], markdown[index:index + 2]))
            index += 2
        elif char == "`":
            index = _code_span(markdown, index, tokens)
        elif char in _EMPHASIS and not _inside_word(markdown, index):
            tokens.append(_Token("", char, emphasis=True))
            index += 1
        elif char == "!" and markdown.startswith("![", index):
            tokens.append(_Token("", ""))
            index += 2
        elif char == "[":
            tokens.append(_Token("", ""))
            index += 1
        elif char == "]" and markdown.startswith("](", index):
            close = markdown.find(")", index + 2, index + 2 + 1_002)
            index = close + 1 if close >= 0 else index + 2
            tokens.append(_Token("", ""))
        elif char.isspace():
            end = index + 1
            while end < size and markdown[end].isspace():
                end += 1
            tokens.append(_Token(" ", " "))
            index = end
        else:
            tokens.append(_Token(char, char))
            index += 1
    return tokens


def _code_span(markdown: str, start: int, tokens: list[_Token]) -> int:
    """Appends the code span opening at `start` as one token (or its backticks as text when no run
    of the same length closes it nearby); returns where reading goes on."""
    end = start
    while end < len(markdown) and markdown[end] == "`":
        end += 1
    ticks = markdown[start:end]
    search = end
    limit = min(len(markdown), end + MOST_CODE_SPAN)
    while True:
        close = markdown.find(ticks, search, limit)
        if close < 0:
            tokens.append(_Token(ticks, ticks))
            return end
        after = close + len(ticks)
        if (after < len(markdown) and markdown[after] == "`") or markdown[close - 1] == "`":
            search = after
            while search < limit and markdown[search] == "`":
                search += 1
            continue
        content = markdown[end:close]
        if content.startswith(" ") and content.endswith(" ") and content.strip():
            content = content[1:-1]
        tokens.append(_Token(" ".join(content.split()) if content.strip() else content,
                             markdown[start:after]))
        return after


def _inside_word(markdown: str, index: int) -> bool:
    """An underscore between letters (snake_case) is text, never emphasis."""
    if markdown[index] != "_":
        return False
    before = markdown[index - 1] if index else " "
    after = markdown[index + 1] if index + 1 < len(markdown) else " "
    return before.isalnum() and after.isalnum()


@lru_cache(maxsize=64)
def _quoter(markdown: str) -> MarkdownQuoter:
    # Stage 4 reads a document's statements several times (key points, questions, definitions):
    # each section's Markdown is read into tokens once.
    return MarkdownQuoter(markdown)


def quoted(sentence: str, markdown: str) -> str:
    """`sentence` as `markdown` writes it, else escaped (also when there is no Markdown)."""
    return _quoter(markdown).quote(sentence) if markdown else escape_markdown(sentence)
