"""Include/exclude globs on a checkout's relative posix paths.

`*` and `?` stay within one path component, `**` crosses components, `[...]` is a character class.
A pattern without a `/` matches a name at any depth (`*.rst`, `drafts`), as in .gitignore, and a
pattern that matches a folder covers everything inside it (`docs`, `docs/**`).

Patterns come from users and are matched against names chosen by a repository's author, so they
are never handed to a backtracking regular expression engine (`*a*a*a*a*a*a*a*a*a*a*b` against a
40-character name took 51 s there, holding the interpreter lock). A pattern compiles to a small
automaton whose set of live states advances one character at a time: a path costs time
proportional to its length, whatever the pattern.
"""
from __future__ import annotations

from collections.abc import Iterable

from shared import linear_regex
from shared.repos.glob_automaton import ANY, NOT_SLASH, Automaton, CharClass, Program

MAX_GLOB_CHARS = 256  # the gateway's limit too; a longer pattern is refused, not truncated
MAX_GLOBS = 100       # per list (include or exclude), as the request event allows

_TOKEN = linear_regex.compile(r"\*\*/|/\*\*$|\*\*|\*|\?|\[!?\]?[^\]]*\]|[^*?\[/]+|/|\[")


class InvalidGlob(ValueError):
    """A pattern that cannot be used; the message names it."""


class Glob:
    """One compiled pattern; `matches(path)` is true when the whole path matches."""

    def __init__(self, pattern: str, anywhere: bool = True):
        if len(pattern) > MAX_GLOB_CHARS:
            raise InvalidGlob(f"invalid glob pattern {pattern[:40]!r}…: longer than "
                              f"{MAX_GLOB_CHARS} characters")
        self.pattern = pattern
        cleaned = pattern.strip().strip("/")
        program = Program()
        if "/" not in cleaned and anywhere:
            program.optional_folders()  # a name at any depth
        for token in _TOKEN.findall(cleaned):
            _compile_token(program, token, pattern)
        self._automaton = Automaton(program)

    def matches(self, path: str) -> bool:
        return self._automaton.matches(path)


def compile_glob(pattern: str, anywhere: bool = True) -> Glob:
    """The matcher for one glob pattern; InvalidGlob (naming it) when it cannot be used. With
    `anywhere` false, a pattern without a `/` matches at the top only (Sphinx's toctree globs)."""
    return Glob(pattern, anywhere)


def _compile_token(program: Program, token: str, pattern: str) -> None:
    if token == "**/":
        program.optional_folders()
    elif token == "/**":
        program.optional_descendants()
    elif token == "**":
        program.repeat(ANY)
    elif token == "*":
        program.repeat(NOT_SLASH)
    elif token == "?":
        program.one(NOT_SLASH)
    elif token.startswith("[") and token.endswith("]") and _members(token):
        program.one(_char_class(_members(token), token.startswith("[!"), pattern))
    else:
        for char in token:  # a literal run, '/', or a lone '[' / an empty class taken literally
            program.one(CharClass.literal(char))


def _members(token: str) -> str:
    return token[2 if token.startswith("[!") else 1:-1]


def _char_class(members: str, negated: bool, pattern: str) -> CharClass:
    """Only '-' keeps its meaning inside a class (a range between its neighbours, or itself at
    the end); everything else is literal. A negated class never matches '/' either."""
    singles: set[str] = set()
    ranges: list[tuple[str, str]] = []
    index = 0
    while index < len(members):
        char = members[index]
        if index + 2 < len(members) and members[index + 1] == "-":
            low, high = char, members[index + 2]
            if high < low:
                raise InvalidGlob(f"invalid glob pattern {pattern!r}: bad character range {low}-{high}")
            ranges.append((low, high))
            index += 3
        else:
            singles.add(char)
            index += 1
    return CharClass(frozenset(singles), tuple(ranges), negated)


class PathScope:
    """Which paths a scan covers: those matching an include pattern (all when there is none) and
    no exclude pattern. Folders are decided once, so a whole excluded folder is never walked."""

    def __init__(self, include: Iterable[str] | None = (), exclude: Iterable[str] | None = ()):
        self._include = _compiled("include", include)
        self._exclude = _compiled("exclude", exclude)

    @property
    def includes_everything(self) -> bool:
        return not self._include

    def is_included(self, path: str, folder_included: bool) -> bool:
        """Whether `path` matches an include pattern, directly or through its folder."""
        return folder_included or any(glob.matches(path) for glob in self._include)

    def is_excluded(self, path: str) -> bool:
        return any(glob.matches(path) for glob in self._exclude)


def _compiled(kind: str, patterns: Iterable[str] | None) -> list[Glob]:
    wanted = [pattern for pattern in patterns or () if pattern.strip()]
    if len(wanted) > MAX_GLOBS:
        raise InvalidGlob(f"{len(wanted)} {kind} patterns; at most {MAX_GLOBS} are allowed")
    return [Glob(pattern) for pattern in wanted]
