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

import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Found:
    head: str  # the prefix and the target (`https://example.org` of a URL macro)
    target: str  # what follows the prefix, up to the `[`
    tail: re.Match  # the bracketed part, matched at the `[`


class InlineMacro:
    """`prefix` (made of characters a target may hold, e.g. `\\blink:`), then a target of
    `shortest`..`longest` characters of the class `target_chars` (e.g. `^\\s\\[`), then `tail`, the
    bracketed part matched at its `[`."""

    def __init__(self, prefix: str, target_chars: str, tail: str, shortest: int, longest: int):
        self.prefix, self.tail = re.compile(prefix), re.compile(tail)
        self.shortest, self.longest = shortest, longest
        self._rest_of_run = re.compile(f"[{target_chars}]*+")

    def sub(self, replace: Callable[[Found], str], text: str) -> str:
        pieces, copied, position = [], 0, 0
        while (first := self.prefix.search(text, position)) is not None:
            # Every prefix up to the run's end shares that end: the run is looked at once.
            end = position = self._rest_of_run.match(text, first.end()).end()
            tail = self.tail.match(text, end)
            head = tail and self._head(text, first.start(), end)
            if head:
                pieces += [text[copied:head.start()], replace(Found(text[head.start():end], text[head.end():end], tail))]
                copied = position = tail.end()
        return "".join(pieces) + text[copied:] if pieces else text

    def _head(self, text: str, start: int, end: int) -> re.Match | None:
        """The leftmost prefix in text[start:end] whose target (up to `end`) fits the bounds."""
        for head in self.prefix.finditer(text, start, end):
            length = end - head.end()
            if length > self.longest:
                continue
            return head if length >= self.shortest else None  # a later prefix leaves even less
        return None
