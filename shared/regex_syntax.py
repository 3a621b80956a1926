"""Python's pattern syntax translated for RE2 (shared/linear_regex.py compiles what this gives): the
flags, the errors, and `translate`, which spells Python's Unicode classes for RE2, refuses what needs
backtracking (look-around, back-references) and caps counted repetitions at RE2's limit."""
from __future__ import annotations

from enum import IntFlag


class RegexFlag(IntFlag):
    # The values of `re`'s flags, so code reads the same.
    IGNORECASE = 2
    MULTILINE = 8
    DOTALL = 16
    ASCII = 256


IGNORECASE = I = RegexFlag.IGNORECASE
MULTILINE = M = RegexFlag.MULTILINE
DOTALL = S = RegexFlag.DOTALL
ASCII = A = RegexFlag.ASCII


class error(ValueError):
    """A pattern RE2 cannot compile."""


class UnsupportedPattern(error):
    """A pattern that needs backtracking (look-around, back-references, verbose syntax...)."""


# Python's Unicode classes spelt for RE2 (inside a character class: the body without brackets).
_WORD = r"\p{L}\p{N}_"
_DIGIT = r"\p{Nd}"
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f\x{85}\p{Z}"
_MAX_REPEAT = 1000


def _read_repeat(pattern: str, start: int) -> tuple[int, int | None, int] | None:
    """A counted repetition `{m}`, `{m,}`, `{,n}` or `{m,n}` at `start`: (min, max, end) or None."""
    end = pattern.find("}", start)
    if end < 0:
        return None
    body = pattern[start + 1 : end]
    low, comma, high = body.partition(",")
    if not (low.isdigit() or (comma and low == "")) or (high and not high.isdigit()):
        return None
    if not comma:
        return int(low), int(low), end + 1
    if not low and not high:
        return None
    return int(low or 0), (int(high) if high else None), end + 1


def translate(pattern: str, flags: int = 0) -> str:
    """The RE2 spelling of a Python pattern, or UnsupportedPattern naming what needs backtracking."""
    unicode = not flags & ASCII
    out: list[str] = []
    prefix = "".join(letter for flag, letter in ((IGNORECASE, "i"), (MULTILINE, "m"), (DOTALL, "s")) if flags & flag)
    if prefix:
        out.append(f"(?{prefix})")
    index, length = 0, len(pattern)
    in_class = False
    class_body_start = 0

    def refuse(what: str) -> UnsupportedPattern:
        return UnsupportedPattern(f"{what} needs backtracking, which this engine does not do: {pattern!r}")

    while index < length:
        char = pattern[index]
        if char == "\\":
            if index + 1 >= length:
                raise error(f"pattern ends with a backslash: {pattern!r}")
            escaped = pattern[index + 1]
            index += 2
            if unicode and escaped in "wdsWDS":
                positive = {"w": _WORD, "d": _DIGIT, "s": _SPACE}[escaped.lower()]
                if escaped.islower():
                    out.append(positive if in_class else f"[{positive}]")
                elif escaped == "D":
                    out.append(r"\P{Nd}")
                elif in_class:
                    raise refuse(f"\\{escaped} inside a character class (spell the class out)")
                else:
                    out.append(f"[^{positive}]")
            elif escaped == "Z":
                out.append(r"\z")
            elif escaped == "b" and in_class:
                out.append(r"\x08")
            elif escaped in "uU":
                digits = 4 if escaped == "u" else 8
                code = pattern[index : index + digits]
                if len(code) != digits or any(c not in "0123456789abcdefABCDEF" for c in code):
                    raise error(f"bad \\{escaped} escape in {pattern!r}")
                out.append(f"\\x{{{code}}}")
                index += digits
            elif escaped.isdigit() and escaped != "0" and not in_class:
                raise refuse(f"the back-reference \\{escaped}")
            elif escaped == "N":
                raise error(f"\\N{{...}} is not supported; write the character: {pattern!r}")
            else:
                out.append("\\" + escaped)
            continue
        if in_class:
            if char == "]" and index > class_body_start:
                in_class = False
                out.append(char)
            elif char == "[":
                out.append(r"\[")  # `re` reads it as a literal; RE2 would read `[:alpha:]`
            else:
                out.append(char)
            index += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            index += 1
            if index < length and pattern[index] == "^":
                out.append("^")
                index += 1
            class_body_start = index
            if index < length and pattern[index] == "]":
                out.append(r"\]")
                index += 1
                class_body_start = index
            continue
        if char == "(" and pattern.startswith("(?", index):
            rest = pattern[index + 2 : index + 4]
            if rest[:1] in ("=", "!") or rest in ("<=", "<!"):
                raise refuse("look-around")
            if rest == "P=":
                raise refuse("the back-reference (?P=...)")
            if rest[:1] == "#":
                close = pattern.find(")", index)
                index = close + 1 if close >= 0 else length
                continue
            if rest[:1] == ">":
                raise refuse("an atomic group")
            if rest[:1] == "(":
                raise refuse("a conditional group")
            if rest[:1] in "aiLmsux-":
                end = index + 2
                while end < length and pattern[end] in "aiLmsux-":
                    end += 1
                letters = pattern[index + 2 : end]
                if "x" in letters:
                    raise error(f"verbose patterns are not supported: {pattern!r}")
                if any(letter in letters for letter in "aLu"):
                    raise error(f"inline flags other than i, m, s are not supported: {pattern!r}")
            out.append("(?")
            index += 2
            continue
        if char == "{":
            repeat = _read_repeat(pattern, index)
            if repeat is None:
                out.append(r"\{")
                index += 1
                continue
            low, high, end = repeat
            if low > _MAX_REPEAT:
                raise error(f"a repetition of at least {low} is over RE2's limit of {_MAX_REPEAT}: {pattern!r}")
            if high is None or high > _MAX_REPEAT:
                out.append(f"{{{low},}}")
            elif low == high:
                out.append(f"{{{low}}}")
            else:
                out.append(f"{{{low},{high}}}")
            index = end
            if index < length and pattern[index] == "+":
                index += 1  # possessive
            continue
        if char in "*+?" and index + 1 < length and pattern[index + 1] == "+":
            # `*+`, `++`, `?+`: possessive, the same as greedy without backtracking.
            out.append(char)
            index += 2
            continue
        out.append(char)
        index += 1
    if in_class:
        raise error(f"unterminated character class: {pattern!r}")
    return "".join(out)
