"""The matching engine behind `globs`: a glob becomes a tiny program (Thompson's construction:
"consume one character of this class", "split", "jump"), and a path is matched by advancing the
set of live instructions one character at a time, so no choice is ever retried. The sets reached
are numbered and their transitions remembered (a lazily built DFA): after warming up, a character
costs one dictionary lookup. The memory is bounded: past `MOST_STATES` sets it starts afresh."""
from __future__ import annotations

from dataclasses import dataclass

MOST_STATES = 4096


@dataclass(frozen=True)
class CharClass:
    singles: frozenset[str]
    ranges: tuple[tuple[str, str], ...]
    negated: bool
    crosses_folders: bool = False  # a negated class matches '/' only when this is set (`**`)

    @staticmethod
    def literal(char: str) -> "CharClass":
        return CharClass(frozenset(char), (), False)

    def accepts(self, char: str) -> bool:
        inside = char in self.singles or any(low <= char <= high for low, high in self.ranges)
        if self.negated:
            return not inside and (char != "/" or self.crosses_folders)
        return inside


ANY = CharClass(frozenset(), (), True, crosses_folders=True)
NOT_SLASH = CharClass(frozenset(), (), True)
SLASH = CharClass.literal("/")


class Program:
    """Instructions: ("char", CharClass) goes on to the next one, ("split", a, b) tries both,
    ("jump", a). Running off the end is a match."""

    def __init__(self) -> None:
        self.ops: list[tuple] = []

    def one(self, char_class: CharClass) -> None:
        self.ops.append(("char", char_class))

    def repeat(self, char_class: CharClass) -> None:
        """Zero or more characters of the class."""
        start = len(self.ops)
        self.ops += [("split", start + 1, start + 3), ("char", char_class), ("jump", start)]

    def optional_folders(self) -> None:
        """Nothing, or anything ending with '/': whole leading folders (`**/`)."""
        start = len(self.ops)
        self.ops += [("split", start + 1, start + 5), ("split", start + 2, start + 4),
                     ("char", ANY), ("jump", start + 1), ("char", SLASH)]

    def optional_descendants(self) -> None:
        """Nothing, or '/' and anything: whatever lies inside a folder (a trailing `/**`)."""
        start = len(self.ops)
        self.ops += [("split", start + 1, start + 5), ("char", SLASH), ("split", start + 3, start + 5),
                     ("char", ANY), ("jump", start + 2)]


class Automaton:
    def __init__(self, program: Program):
        self._ops = tuple(program.ops)
        self._end = len(self._ops)
        self._reset()

    def matches(self, text: str) -> bool:
        """Whether the whole of `text` is accepted. Time: linear in len(text)."""
        if len(self._sets) > MOST_STATES:
            self._reset()
        state, rows = 0, self._rows
        for char in text:
            following = rows[state].get(char)
            if following is None:
                following = rows[state][char] = self._intern(self._step(self._sets[state], char))
            if following < 0:
                return False  # no instruction alive: nothing further can match
            state = following
        return self._end in self._sets[state]

    def _reset(self) -> None:
        self._ids: dict[frozenset[int], int] = {}
        self._sets: list[frozenset[int]] = []
        self._rows: list[dict[str, int]] = []
        self._intern(self._closure([0]))

    def _intern(self, live: frozenset[int]) -> int:
        if not live:
            return -1
        number = self._ids.get(live)
        if number is None:
            number = self._ids[live] = len(self._sets)
            self._sets.append(live)
            self._rows.append({})
        return number

    def _step(self, live: frozenset[int], char: str) -> frozenset[int]:
        ops = self._ops
        return self._closure([pc + 1 for pc in live if pc < self._end and ops[pc][1].accepts(char)])

    def _closure(self, pcs: list[int]) -> frozenset[int]:
        """The "char" instructions (and the end) reachable through splits and jumps."""
        ops, reached, seen = self._ops, set(), set()
        while pcs:
            pc = pcs.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op = ops[pc] if pc < self._end else ("end",)
            if op[0] == "split":
                pcs += [op[1], op[2]]
            elif op[0] == "jump":
                pcs.append(op[1])
            else:
                reached.add(pc)
        return frozenset(reached)
