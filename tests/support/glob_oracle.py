"""An independent reference for glob matching: the former translation of a glob into a Python
regular expression, kept only for tests. It backtracks exponentially on patterns with many stars,
so it is only ever run on short patterns and paths, to check the linear matcher agrees with it.
(One flaw of the original is fixed here: a `-` first or last in a class is literal, as documented,
instead of forming a range with the `/` the negated class adds.)"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"\*\*/|/\*\*$|\*\*|\*|\?|\[!?\]?[^\]]*\]|[^*?\[/]+|/|\[")
_TOKEN_REGEX = {"**/": "(?:.*/)?", "/**": "(?:/.*)?", "**": ".*", "*": "[^/]*", "?": "[^/]", "/": "/"}


def reference_regex(pattern: str) -> re.Pattern[str] | None:
    """The regular expression for `pattern`; None when it is invalid (a reversed range)."""
    cleaned = pattern.strip().strip("/")
    anywhere = "" if "/" in cleaned else "(?:.*/)?"
    body = "".join(_token_regex(token) for token in _TOKEN.findall(cleaned))
    try:
        return re.compile(anywhere + body + r"\Z", re.DOTALL)
    except re.error:
        return None


def _token_regex(token: str) -> str:
    if token in _TOKEN_REGEX:
        return _TOKEN_REGEX[token]
    negated = token.startswith("[!")
    members = token[2 if negated else 1:-1]
    if token.startswith("[") and token.endswith("]") and members:
        escaped = "".join(char if char == "-" and 0 < index < len(members) - 1 else re.escape(char)
                          for index, char in enumerate(members))
        return f"[^{escaped}/]" if negated else f"[{escaped}]"
    return re.escape(token)
