"""A sentence of a document's plain text (`Section.text`, which stage 4 cuts into statements) quoted
as its Markdown (`Section.markdown`) writes it, so a key point or a gist keeps its inline code and
emphasis: "the `{% block %}` tags define four blocks", not "the {% block %} tags". A link keeps
its label only (its target is the source's, which the module's own links do not resolve).

The Markdown is read once into tokens, each with the plain text it stands for; a sentence is found
in their plain text and the tokens covering it are written back. Where the sentence is not found
whole, or would start or end inside a code span, the plain sentence is escaped instead, as before.
Linear in the Markdown's length: one pass, its code spans found by `code_spans` (one pass too)."""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple, Sequence

from shared.docs.markdown_out import escape_markdown
from shared.docs.model import Section

from ..markdown_text import code_spans

MOST_QUOTERS_KEPT = 16
MOST_PLACES_TRIED = 32  # where a sentence occurs inside code first: bounded work per quote
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_EMPHASIS = frozenset("*_")


_TEXT, _CODE, _MARK, _EMPHASIS_MARK = 0, 1, 2, 3


class _Token(NamedTuple):  # a tuple: a long section has thousands
    plain: str      # what the reader sees
    markdown: str   # what is written back ("" for a link's bracket or target)
    kind: int       # _TEXT (plain == markdown, may be cut), _CODE (never cut), _MARK, _EMPHASIS_MARK

    @property
    def emphasis(self) -> bool:
        return self.kind == _EMPHASIS_MARK


class MarkdownQuoter:
    """Quotes sentences of one text's plain form as its Markdown writes them."""

    def __init__(self, markdown: str):
        self._tokens = _tokens(markdown)
        self._starts: list[int] = []
        offset = 0
        for token in self._tokens:
            self._starts.append(offset)
            offset += len(token.plain)
        self._plain = "".join(token.plain for token in self._tokens)

    def quote(self, sentence: str) -> str:
        """The sentence as written, else escaped."""
        found = self.find(sentence)
        return escape_markdown(sentence) if found is None else found

    def find(self, sentence: str) -> str | None:
        """The sentence as written, or None when it is not found whole."""
        wanted = " ".join(sentence.split())
        start = self._plain.find(wanted) if wanted else -1
        if start < 0 and wanted.endswith(".") and not wanted.endswith(".."):
            # The parsers end a list item's plain text with a full stop its Markdown lacks.
            found = self.find(wanted[:-1])
            return None if found is None else f"{found}."
        for _ in range(MOST_PLACES_TRIED):
            if start < 0:
                return None
            found = self._written(start, start + len(wanted))
            if found is not None:
                return found
            # That place was inside code ("Middleware" in a code block before the list item
            # that says it): the next place may be the prose.
            start = self._plain.find(wanted, start + 1)
        return None

    def _written(self, start: int, end: int) -> str | None:
        """The Markdown for the plain text from `start` to `end`; None when that starts or ends
        inside a code span."""
        first, last = self._token_at(start), self._token_at(end - 1)
        head, tail = self._tokens[first], self._tokens[last]
        cut_head, cut_tail = start - self._starts[first], self._starts[last] + len(tail.plain) - end
        if (cut_head and head.kind != _TEXT) or (cut_tail and tail.kind != _TEXT):
            return None
        if not cut_head:
            while first > 0 and self._tokens[first - 1].emphasis:
                first -= 1
        if not cut_tail:
            while last + 1 < len(self._tokens) and self._tokens[last + 1].emphasis:
                last += 1
        chosen = list(self._tokens[first:last + 1])
        if not _paired(chosen):  # half an emphasis: none at all
            chosen = [token for token in chosen if not token.emphasis]
        pieces = [token.markdown for token in chosen]
        if cut_tail and chosen[-1] is tail:
            pieces[-1] = pieces[-1][:len(pieces[-1]) - cut_tail]
        if cut_head and chosen[0] is head:
            pieces[0] = pieces[0][cut_head:]
        return "".join(pieces).strip()

    def _token_at(self, offset: int) -> int:
        """The token whose plain text holds `offset` (an empty one never does)."""
        index = bisect_right(self._starts, offset) - 1
        while index > 0 and not self._tokens[index].plain:
            index -= 1
        return index


def _paired(tokens: list[_Token]) -> bool:
    """Whether every run of emphasis marks ("**", "_") is closed by the same run later on."""
    runs: list[str] = []
    run = ""
    for token in [*tokens, _Token("", "", _MARK)]:
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
    """Runs of ordinary text (whitespace collapsed) as one token each; escapes, code spans, emphasis
    marks and link syntax as tokens of their own."""
    tokens: list[_Token] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            run = "".join(text)
            tokens.append(_Token(run, run, _TEXT))
            text.clear()

    def add(token: _Token) -> None:
        flush()
        tokens.append(token)

    spans = dict(code_spans(markdown))
    index, size = 0, len(markdown)
    while index < size:
        char = markdown[index]
        if char == "\\" and index + 1 < size and markdown[index + 1] in _PUNCTUATION:
            add(_Token(markdown[index + 1], markdown[index:index + 2], _MARK))
            index += 2
        elif char == "`":
            index = _code_span(markdown, index, spans.get(index), add)
        elif char in _EMPHASIS and not _inside_word(markdown, index):
            add(_Token("", char, _EMPHASIS_MARK))
            index += 1
        elif char == "!" and markdown.startswith("![", index):
            add(_Token("", "", _MARK))
            index += 2
        elif char == "[":
            add(_Token("", "", _MARK))
            index += 1
        elif char == "]" and markdown.startswith("](", index):
            close = markdown.find(")", index + 2, index + 2 + 1_002)
            index = close + 1 if close >= 0 else index + 2
            add(_Token("", "", _MARK))
        elif char.isspace():
            end = index + 1
            while end < size and markdown[end].isspace():
                end += 1
            if not text or text[-1] != " ":
                text.append(" ")
            index = end
        else:
            text.append(char)
            index += 1
    flush()
    return tokens


def _code_span(markdown: str, start: int, end: int | None, add) -> int:
    """Adds the code span from `start` to `end` as one token (or, when no span opens there, its
    run of backticks as text); returns where reading goes on."""
    if end is None:
        run = start
        while run < len(markdown) and markdown[run] == "`":
            run += 1
        add(_Token(markdown[start:run], markdown[start:run], _MARK))
        return run
    written = markdown[start:end]
    ticks = len(written) - len(written.lstrip("`"))
    content = written[ticks:-ticks]
    if content.startswith(" ") and content.endswith(" ") and content.strip():
        content = content[1:-1]
    add(_Token(" ".join(content.split()) if content.strip() else content, written, _CODE))
    return end


def _inside_word(markdown: str, index: int) -> bool:
    """An underscore between letters (snake_case) is text, never emphasis."""
    if markdown[index] != "_":
        return False
    before = markdown[index - 1] if index else " "
    after = markdown[index + 1] if index + 1 < len(markdown) else " "
    return before.isalnum() and after.isalnum()


@lru_cache(maxsize=MOST_QUOTERS_KEPT)
def _quoter(markdown: str) -> MarkdownQuoter:
    # Stage 4 quotes from the same few sections several times (key points, questions, the gist);
    # only the last few are kept: a quoter holds its section's tokens, and the memory benchmark
    # caught 64 large ones pushing stage 4's peak past 200 MB on 2,000 documents.
    return MarkdownQuoter(markdown)


def quoted(sentence: str, markdown: str) -> str:
    """`sentence` as `markdown` writes it, else escaped (also when there is no Markdown)."""
    return _quoter(markdown).quote(sentence) if markdown else escape_markdown(sentence)


def quoted_sentences(found: Sequence[str], sections: Sequence[Section]) -> list[str]:
    """Each sentence of `found` as the first of `sections` holding it whole writes it, else
    escaped. Only a section whose plain text holds the sentence gets a quoter (the cached one key
    points and questions use), so a gist's sentence builds one quoter, not one per section before
    it; each section's plain text is normalised once for all the sentences (a gist has two or three)."""
    plain: dict[int, str] = {}
    quotes = []
    for sentence in found:
        wanted = " ".join(sentence.split())
        quote = None
        for index, section in enumerate(sections):
            if not (section.markdown and wanted):
                continue
            if index not in plain:
                plain[index] = " ".join(section.text.split())
            if wanted in plain[index]:
                quote = _quoter(section.markdown).find(wanted)
                if quote is not None:
                    break
        quotes.append(quote if quote is not None else escape_markdown(sentence))
    return quotes
