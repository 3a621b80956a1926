"""Regular expressions in linear time: every pattern in the code goes through this module.

CPython's `re` backtracks and holds the GIL for the whole match, so one pattern that backtracks on
a hostile input (a repository's file, git's output, a model's answer, a user's edit) freezes the
whole service. This module compiles Python-syntax patterns with RE2 (google-re2), whose automata
match in time linear in the input whatever the pattern, and keeps `re`'s API and Python's Unicode
meaning of the classes.

What differs from `re`, by design:
- Look-around and back-references do not exist (they are what makes matching non-linear): such a
  pattern is refused when compiled (`UnsupportedPattern`), and the code says it another way.
- `\\w`, `\\d`, `\\s` and their negations are Unicode, as in `re` (RE2's own are ASCII); `\\b` and
  `\\B` are ASCII word boundaries (RE2 has no other) — every `\\b` in the code sits beside an ASCII
  literal word, where the two agree.
- `$` without MULTILINE matches only at the very end of the text (`re` also matches before a
  final newline).
- Possessive quantifiers (`*+`) become greedy ones: without backtracking they mean the same thing.
- A counted repetition above 1000 (RE2's limit) becomes unbounded: those bounds existed to bound
  backtracking, which RE2 does not do.

Compiled patterns are cached (as `re` does) and every distinct pattern is remembered, so the fuzz
test (tests/unit/test_regex_fuzz.py) can try each one on hostile inputs.
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

import re2

# `re`'s names, so callers write linear_regex.IGNORECASE, linear_regex.error as they would with re.
from shared.regex_syntax import A as A
from shared.regex_syntax import ASCII as ASCII
from shared.regex_syntax import DOTALL as DOTALL
from shared.regex_syntax import I as I
from shared.regex_syntax import IGNORECASE as IGNORECASE
from shared.regex_syntax import M as M
from shared.regex_syntax import MULTILINE as MULTILINE
from shared.regex_syntax import S as S
from shared.regex_syntax import RegexFlag as RegexFlag
from shared.regex_syntax import UnsupportedPattern as UnsupportedPattern
from shared.regex_syntax import error as error
from shared.regex_syntax import translate as translate

_re2 = re2._re2
_MAX_MEMORY = 64 << 20  # per pattern, bytes; RE2's default (8 MB) refuses the larger documented forms


class _Text:
    """A text as RE2 reads it (UTF-8) and checkpoints between its character and byte offsets.

    Scanners call `search(text, pos)` again and again on the same text, sometimes searching
    another text in between: encoding it each time, or counting characters from its start each
    time, would make a linear scan quadratic. Checkpoints are kept in increasing order, so an
    offset is counted from the nearest one before it.
    """

    __slots__ = ("text", "data", "ascii", "chars", "bytes")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self.data = text.encode("utf-8", "surrogatepass")
        self.chars = [0]
        self.bytes = [0]

    def to_byte(self, offset: int) -> int:
        if self.ascii:
            return offset
        index = bisect.bisect_right(self.chars, offset) - 1
        found = self.bytes[index] + _re2.CharLenToBytes(self.data, self.bytes[index], offset - self.chars[index])
        if index == len(self.chars) - 1 and offset > self.chars[-1]:
            self.chars.append(offset)
            self.bytes.append(found)
        return found

    def to_char(self, offset: int) -> int:
        if self.ascii:
            return offset
        index = bisect.bisect_right(self.bytes, offset) - 1
        found = self.chars[index] + _re2.BytesToCharLen(self.data, self.bytes[index], offset)
        if index == len(self.bytes) - 1 and offset > self.bytes[-1]:
            self.chars.append(found)
            self.bytes.append(offset)
        return found


class _RecentTexts(threading.local):
    def __init__(self) -> None:
        self.texts: list[_Text] = []


_recent = _RecentTexts()
_RECENT_LIMIT = 4


# A text shorter than this is encoded again on each call: that costs about as much as looking it
# up, and short texts searched between the searches of a long one would push it out of the recent
# ones. A longer text is encoded once for all the calls on it, whatever the text, ASCII or not.
_CACHED_CHARS = 4096


def _ascii_data(text: str) -> bytes:
    return text.encode("ascii") if len(text) < _CACHED_CHARS else _text(text).data


def _text(text: str) -> _Text:
    recent = _recent.texts
    for index, known in enumerate(recent):
        if known.text is text:
            if index:
                recent.insert(0, recent.pop(index))
            return known
    made = _Text(text)
    recent.insert(0, made)
    del recent[_RECENT_LIMIT:]
    return made


_NO_SPAN = (-1, -1)
_UNANCHORED = _re2.RE2.Anchor.UNANCHORED


class Match:
    """What `re.Match` offers, for a match found by RE2."""

    __slots__ = ("re", "string", "pos", "endpos", "_spans")

    def __init__(self, pattern: Pattern, string: str, pos: int, endpos: int, spans: list[tuple[int, int]]):
        self.re = pattern
        self.string = string
        self.pos = pos
        self.endpos = endpos
        self._spans = spans

    def _index(self, group: int | str) -> int:
        if type(group) is int and 0 <= group <= self.re.groups:
            return group
        if isinstance(group, str):
            try:
                return self.re.groupindex[group]
            except KeyError:
                raise IndexError(f"no such group: {group!r}") from None
        if not 0 <= group <= self.re.groups:
            raise IndexError(f"no such group: {group}")
        return group

    def spans(self) -> tuple[tuple[int, int], ...]:
        """Every group's span ((-1, -1) for one that did not match): what a scanner keeps of many
        matches, as `Match(pattern, string, pos, endpos, list(spans))` makes the match again. A
        match holds a list, which the garbage collector walks on every collection while it lives."""
        return tuple(self._spans)

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._spans[self._index(group)]

    def start(self, group: int | str = 0) -> int:
        return self.span(group)[0]

    def end(self, group: int | str = 0) -> int:
        return self.span(group)[1]

    def __getitem__(self, group: int | str) -> Any:
        start, end = self.span(group)
        return None if start < 0 else self.string[start:end]

    def group(self, *groups: int | str) -> Any:
        if len(groups) <= 1:
            return self[groups[0] if groups else 0]
        return tuple(self[group] for group in groups)

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        return tuple(default if (value := self[index]) is None else value for index in range(1, self.re.groups + 1))

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        return {name: default if (value := self[index]) is None else value for name, index in self.re.groupindex.items()}

    @property
    def lastindex(self) -> int | None:
        # The group whose closing parenthesis comes last among those that matched: of groups ending
        # at the same place, the outermost, which opens first.
        best, best_end = None, -1
        for index in range(1, self.re.groups + 1):
            start, end = self._spans[index]
            if start >= 0 and end > best_end:
                best, best_end = index, end
        return best

    @property
    def lastgroup(self) -> str | None:
        index = self.lastindex
        return None if index is None else self.re._group_names.get(index)

    def expand(self, template: str) -> str:
        return _expand(self, template)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<linear_regex.Match span={self.span()} match={self.group()!r}>"


def _expand(match: Match, template: str) -> str:
    """A replacement template: `\\1`, `\\g<1>`, `\\g<name>` and the usual character escapes."""
    out: list[str] = []
    index, length = 0, len(template)
    simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "f": "\f", "v": "\v", "a": "\a", "b": "\b"}
    while index < length:
        char = template[index]
        if char != "\\" or index + 1 >= length:
            out.append(char)
            index += 1
            continue
        escaped = template[index + 1]
        if escaped == "g" and template.startswith("<", index + 2):
            close = template.find(">", index + 3)
            if close < 0:
                raise error(f"unterminated group name in {template!r}")
            name = template[index + 3 : close]
            out.append(match[int(name) if name.isdigit() else name] or "")
            index = close + 1
        elif escaped.isdigit():
            end = index + 2
            if end < length and template[end].isdigit():
                end += 1
            out.append(match[int(template[index + 1 : end])] or "")
            index = end
        elif escaped in simple:
            out.append(simple[escaped])
            index += 2
        else:
            out.append("\\" + escaped)
            index += 2
    return "".join(out)


class Pattern:
    """A compiled pattern with `re.Pattern`'s methods, matched by RE2."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = int(flags)
        self.translated = translate(pattern, flags)
        options = re2.Options()
        options.log_errors = False
        options.max_mem = _MAX_MEMORY
        self._regexp = _re2.RE2(self.translated.encode("utf-8"), options)
        if not self._regexp.ok():
            raise error(f"{self._regexp.error()}: {pattern!r}")
        self.groups: int = self._regexp.NumberOfCapturingGroups()
        self.groupindex: dict[str, int] = {
            name.decode("utf-8"): index for name, index in self._regexp.NamedCapturingGroups()
        }
        self._group_names = {index: name for name, index in self.groupindex.items()}

    def _matches(self, anchor: Any, text: str, pos: int, endpos: int | None) -> Iterator[Match]:
        if not isinstance(text, str):
            raise TypeError(f"linear_regex matches str, not {type(text).__name__}")
        length = len(text)
        pos = max(0, min(pos, length))
        endpos = length if endpos is None else max(0, min(endpos, length))
        if pos > endpos:
            return
        if text.isascii():
            # Offsets in bytes are offsets in characters: no checkpoints to keep.
            yield from self._ascii_matches(anchor, text, pos, endpos)
            return
        encoded = _text(text)
        data = encoded.data
        byte_pos = encoded.to_byte(pos)
        byte_end = len(data) if endpos == length else byte_pos + _re2.CharLenToBytes(data, byte_pos, endpos - pos)
        while True:
            spans = self._regexp.Match(anchor, data, byte_pos, byte_end)
            whole = spans[0]
            if whole == _NO_SPAN:
                return
            if encoded.ascii:
                yield Match(self, text, pos, endpos, spans)
            else:
                # Offsets converted in increasing order, so a scan converts each byte once.
                chars = {offset: encoded.to_char(offset)
                         for offset in sorted({o for span in spans for o in span if o >= 0})}
                yield Match(self, text, pos, endpos,
                            [_NO_SPAN if s == _NO_SPAN else (chars[s[0]], chars[s[1]]) for s in spans])
            if anchor != _re2.RE2.Anchor.UNANCHORED or byte_pos == byte_end:
                return
            if whole[1] == byte_pos:  # an empty match: step over one character
                byte_pos += _re2.CharLenToBytes(data, byte_pos, 1)
                if byte_pos > byte_end:
                    return
            else:
                byte_pos = whole[1]

    def _ascii_matches(self, anchor: Any, text: str, pos: int, endpos: int) -> Iterator[Match]:
        data = _ascii_data(text)
        regexp, unanchored = self._regexp, anchor == _UNANCHORED
        while True:
            spans = regexp.Match(anchor, data, pos, endpos)
            end = spans[0][1]
            if end < 0:
                return
            yield Match(self, text, pos, endpos, spans)
            if not unanchored or pos == endpos:
                return
            if end == pos:  # an empty match: step over one character
                pos += 1
                if pos > endpos:
                    return
            else:
                pos = end

    def _ascii_findall(self, text: str, pos: int, endpos: int) -> list[str]:
        # `_ascii_matches` without a Match per match: findall's common call, a word list.
        length = len(text)
        pos, endpos = max(0, min(pos, length)), max(0, min(endpos, length))
        found: list[str] = []
        data, match = _ascii_data(text), self._regexp.Match
        while pos <= endpos:
            start, end = match(_UNANCHORED, data, pos, endpos)[0]
            if end < 0:
                break
            found.append(text[start:end])
            pos = end + 1 if end == pos else end  # an empty match: step over one character
        return found

    def _first(self, anchor: Any, text: str, pos: int, endpos: int | None) -> Match | None:
        # One match, the common call: no generator when the text is ASCII.
        if type(text) is str and endpos is None and text.isascii():
            length = len(text)
            pos = max(0, min(pos, length))
            spans = self._regexp.Match(anchor, _ascii_data(text), pos, length)
            return None if spans[0][1] < 0 else Match(self, text, pos, length, spans)
        return next(self._matches(anchor, text, pos, endpos), None)

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> Match | None:
        return self._first(_UNANCHORED, string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> Match | None:
        return self._first(_re2.RE2.Anchor.ANCHOR_START, string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None) -> Match | None:
        return self._first(_re2.RE2.Anchor.ANCHOR_BOTH, string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[Match]:
        return self._matches(_re2.RE2.Anchor.UNANCHORED, string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int | None = None) -> list[Any]:
        if self.groups == 0 and type(string) is str and string.isascii():
            return self._ascii_findall(string, pos, len(string) if endpos is None else endpos)
        if self.groups == 0:
            return [match.group() for match in self.finditer(string, pos, endpos)]
        if self.groups == 1:
            return [match.groups("")[0] for match in self.finditer(string, pos, endpos)]
        return [match.groups("") for match in self.finditer(string, pos, endpos)]

    def split(self, string: str, maxsplit: int = 0) -> list[Any]:
        pieces: list[Any] = []
        end = 0
        for count, match in enumerate(self.finditer(string), start=1):
            if maxsplit and count > maxsplit:
                break
            pieces.append(string[end : match.start()])
            pieces.extend(match.groups())
            end = match.end()
        pieces.append(string[end:])
        return pieces

    def subn(self, repl: str | Callable[[Match], str], string: str, count: int = 0) -> tuple[str, int]:
        pieces: list[str] = []
        end = 0
        done = 0
        for match in self.finditer(string):
            if count and done >= count:
                break
            pieces.append(string[end : match.start()])
            pieces.append(repl(match) if callable(repl) else _expand(match, repl))
            end = match.end()
            done += 1
        pieces.append(string[end:])
        return "".join(pieces), done

    def sub(self, repl: str | Callable[[Match], str], string: str, count: int = 0) -> str:
        return self.subn(repl, string, count)[0]

    def __repr__(self) -> str:
        return f"linear_regex.compile({self.pattern!r}, {self.flags})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pattern) and (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))


_known_lock = threading.Lock()
_known: dict[tuple[str, int], None] = {}
_KNOWN_LIMIT = 10_000


def known_patterns() -> list[tuple[str, int]]:
    """Every distinct (pattern, flags) compiled in this process, up to a limit, oldest first."""
    with _known_lock:
        return list(_known)


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str, flags: int) -> Pattern:
    compiled = Pattern(pattern, flags)
    with _known_lock:
        if len(_known) < _KNOWN_LIMIT:
            _known[(pattern, flags)] = None
    return compiled


def compile(pattern: str | Pattern, flags: int = 0) -> Pattern:
    if isinstance(pattern, Pattern):
        if flags:
            raise ValueError("cannot give flags with a compiled pattern")
        return pattern
    return _compile(pattern, int(flags))


def search(pattern: str | Pattern, string: str, flags: int = 0) -> Match | None:
    return compile(pattern, flags).search(string)


def match(pattern: str | Pattern, string: str, flags: int = 0) -> Match | None:
    return compile(pattern, flags).match(string)


def fullmatch(pattern: str | Pattern, string: str, flags: int = 0) -> Match | None:
    return compile(pattern, flags).fullmatch(string)


def finditer(pattern: str | Pattern, string: str, flags: int = 0) -> Iterator[Match]:
    return compile(pattern, flags).finditer(string)


def findall(pattern: str | Pattern, string: str, flags: int = 0) -> list[Any]:
    return compile(pattern, flags).findall(string)


def split(pattern: str | Pattern, string: str, maxsplit: int = 0, flags: int = 0) -> list[Any]:
    return compile(pattern, flags).split(string, maxsplit)


def sub(pattern: str | Pattern, repl: str | Callable[[Match], str], string: str, count: int = 0, flags: int = 0) -> str:
    return compile(pattern, flags).sub(repl, string, count)


def subn(
    pattern: str | Pattern, repl: str | Callable[[Match], str], string: str, count: int = 0, flags: int = 0
) -> tuple[str, int]:
    return compile(pattern, flags).subn(repl, string, count)


_SPECIAL = frozenset("()[]{}?*+-|^$\\.&~# \t\n\r\v\f")


def escape(text: str) -> str:
    """`re.escape`: a backslash before each character with a meaning in a pattern."""
    return "".join("\\" + char if char in _SPECIAL else char for char in text)
