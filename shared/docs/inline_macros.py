"""Inline macros of the form `name:target[label]` (AsciiDoc's `link:`, `xref:`, `image:`, `menu:`,
URLs), replaced in one pass over the text.

As a regular expression (`\\blink:([^\\s\\[]{1,2000}+)\\[…\\]`) the search is tried at every start:
in `link:link:link:…` each candidate reads up to 2,000 characters before failing, a thousand
times the text's length. Here, from the first prefix found, the run of characters a target may
hold is read to its end once: every prefix inside that run ends its target there, so the macro is
the leftmost of them whose target fits the bounds, if a tail follows; else the whole run is
passed. Same matches as the expression (tested against it), each character read a bounded number
of times."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from shared import linear_regex
from shared.docs.builder import is_word_character, sub_matches


@dataclass(frozen=True)
class Found:
    head: str  # the prefix and the target (`https://example.org` of a URL macro)
    target: str  # what follows the prefix, up to the `[`
    tail: linear_regex.Match  # the bracketed part, matched at the `[`


class InlineMacro:
    """`prefix` (made of characters a target may hold, e.g. `\\blink:`), then a target of
    `shortest`..`longest` characters of the class `target_chars` (e.g. `^\\s\\[`), then `tail`, the
    bracketed part matched at its `[`. A `\\b` opening the prefix is `re`'s: no word character of
    any script right before it (RE2's `\\b` knows only ASCII ones)."""

    def __init__(self, prefix: str, target_chars: str, tail: str, shortest: int, longest: int):
        self.prefix, self.tail = linear_regex.compile(prefix), linear_regex.compile(tail)
        self.shortest, self.longest = shortest, longest
        self._rest_of_run = linear_regex.compile(f"[{target_chars}]*+")
        self._next_in_run = linear_regex.compile(f"[{target_chars}]*?({prefix})")
        self._at_word_start = prefix.startswith(r"\b")

    def sub(self, replace: Callable[[Found], str], text: str) -> str:
        found, position = [], 0
        while (first := self.prefix.search(text, position)) is not None:
            # The run's prefixes in order, each found from the last one's end, then the end of the
            # run, which they all share: the text is read onwards only, once (linear_regex converts
            # offsets onwards from the last search).
            heads = [first.span()]
            while (following := self._next_in_run.match(text, heads[-1][1])) is not None:
                heads.append(following.span(1))
            end = position = self._rest_of_run.match(text, heads[-1][1]).end()
            head = self._head(text, heads, end)
            tail = head and self.tail.match(text, end)  # not read for nothing: the next search starts at `end`
            if tail:
                found.append((head[0], tail.end(), Found(text[head[0]:end], text[head[1]:end], tail)))
                position = tail.end()
        # Replaced once all are found: `replace` may run patterns on other texts.
        return sub_matches(found, replace, text)

    def _head(self, text: str, heads: list[tuple[int, int]], end: int) -> tuple[int, int] | None:
        """The leftmost prefix (start, end) whose target (up to `end`) fits the bounds."""
        for start, head_end in heads:
            if self._at_word_start and start > 0 and is_word_character(text[start - 1]):
                continue
            length = end - head_end
            if length > self.longest:
                continue
            return (start, head_end) if length >= self.shortest else None  # a later prefix leaves even less
        return None
