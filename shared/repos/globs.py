"""Include/exclude globs on a checkout's relative posix paths.

`*` and `?` stay within one path component, `**` crosses components, `[...]` is a character class.
A pattern without a `/` matches a name at any depth (`*.rst`, `drafts`), as in .gitignore, and a
pattern that matches a folder covers everything inside it (`docs`, `docs/**`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"\*\*/|/\*\*$|\*\*|\*|\?|\[!?\]?[^\]]*\]|[^*?\[/]+|/|\[")
_TOKEN_REGEX = {"**/": "(?:.*/)?", "/**": "(?:/.*)?", "**": ".*", "*": "[^/]*", "?": "[^/]", "/": "/"}


class InvalidGlob(ValueError):
    """A pattern that cannot be used; the message names it."""


def glob_regex(pattern: str) -> re.Pattern[str]:
    """The compiled regular expression for one glob pattern."""
    cleaned = pattern.strip().strip("/")
    anywhere = "" if "/" in cleaned else "(?:.*/)?"
    body = "".join(_token_regex(token) for token in _TOKEN.findall(cleaned))
    try:
        return re.compile(anywhere + body + r"\Z")
    except re.error as exc:
        raise InvalidGlob(f"invalid glob pattern {pattern!r}: {exc.msg}") from None


def _token_regex(token: str) -> str:
    if token in _TOKEN_REGEX:
        return _TOKEN_REGEX[token]
    negated = token.startswith("[!")
    members = token[2 if negated else 1:-1]
    if token.startswith("[") and token.endswith("]") and members:
        # Only '-' keeps its meaning inside a class; everything else is literal.
        escaped = "".join(char if char == "-" else re.escape(char) for char in members)
        return ("[^/" if negated else "[") + escaped + "]"  # no component boundary either way
    return re.escape(token)


class PathScope:
    """Which paths a scan covers: those matching an include pattern (all when there is none) and
    no exclude pattern. Folders are decided once, so a whole excluded folder is never walked."""

    def __init__(self, include: Iterable[str] | None = (), exclude: Iterable[str] | None = ()):
        self._include = [glob_regex(p) for p in include or () if p.strip()]
        self._exclude = [glob_regex(p) for p in exclude or () if p.strip()]

    @property
    def includes_everything(self) -> bool:
        return not self._include

    def is_included(self, path: str, folder_included: bool) -> bool:
        """Whether `path` matches an include pattern, directly or through its folder."""
        return folder_included or any(regex.match(path) for regex in self._include)

    def is_excluded(self, path: str) -> bool:
        return any(regex.match(path) for regex in self._exclude)
