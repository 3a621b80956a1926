"""A small syntax highlighter for the static site: one regular expression per language finds
comments, strings, numbers, keywords (and keys / variables where the language has them); the
text between tokens, and every token, is HTML-escaped. Unknown languages are only escaped.

A token that may not touch a word (a number, a keyword) is matched with the character before it,
and the one after it where that matters: the lexer searches from each token's last character,
which a sentinel in front of the code stands for at its start. It reads an ASCII stand-in of the
code (`_stand_in`): every character beyond ASCII replaced by one of its kind, `\\x01` for a letter,
`\\x02` for a digit (which `_WORD` and `_DIGIT` count as Python's `\\w` and `\\d` do), a blank for a
blank, `,` for anything else. The stand-in has the code's offsets, and searching again from a
little before the last match is linear in it (linear_regex converts the offsets of a text beyond
ASCII from a checkpoint that only moves forward)."""
from __future__ import annotations

import html
import keyword

from shared import linear_regex

_WORD = r"\w\x01\x02"       # inside a character class
_DIGIT = r"\d\x02"
_ANY = r"(?s:.)"     # any character, a newline too

_PY_STRING = (rf"[rRbBuUfF]{{0,2}}(?:\"\"\"{_ANY}*?\"\"\"|'''{_ANY}*?'''"
              r"|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')")
_C_STRING = r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'"
_NUMBER = rf"-?(?:0[xX][0-9a-fA-F]+|[{_DIGIT}][{_DIGIT}_]*(?:\.[{_DIGIT}]+)?(?:[eE][+-]?[{_DIGIT}]+)?)"
_SHELL_WORDS = ("if then else elif fi for while until do done case esac function in return export "
                "local source alias unset sudo").split()
_JS_WORDS = ("break case catch class const continue debugger default delete do else export extends "
             "finally for function if import in instanceof let new return super switch this throw try "
             "typeof var void while with yield async await of null undefined true false interface type "
             "enum implements private public protected readonly as from declare namespace abstract "
             "static get set").split()


def _token(name: str, pattern: str, after: str = _ANY, then: str = "") -> str:
    """One alternative of a lexer: the token `pattern` as the group `name`, after one character of
    the class `after`, followed by text matching `then` (matched too, but not part of the token)."""
    return f"{after}(?P<{name}>{pattern}){then}"


def _apart(name: str, pattern: str, edge: str) -> str:
    """A token with no character of the class body `edge` right before or after it."""
    return _token(name, pattern, after=f"[^{edge}]", then=rf"(?:[^{edge}]|\Z)")


def _words(words: list[str], edge: str = _WORD) -> str:
    alternatives = "|".join(linear_regex.escape(word) for word in sorted(set(words), key=len, reverse=True))
    return _apart("kw", f"(?:{alternatives})", edge)


def _lexer(*alternatives: str) -> linear_regex.Pattern:
    """Alternatives in priority order: at each position the first that matches wins, so a `#`
    inside a string stays part of the string. Each is one named group, with none inside it."""
    return linear_regex.compile("|".join(alternatives))


_PYTHON = _lexer(_token("com", r"#[^\n]*"), _token("str", _PY_STRING), _apart("num", _NUMBER, _WORD + "."),
                 _words(keyword.kwlist + ["self", "print"]))
_SHELL = _lexer(_token("com", r"#[^\n]*", after=r"\s"), _token("str", r"\"(?:\\.|[^\"\\])*\"|'[^']*'"),
                _token("var", rf"\$\{{[^}}\n]*\}}|\$[A-Za-z_][{_WORD}]*|\$[0-9@#?*!$-]"),
                _apart("num", rf"[{_DIGIT}]+(?:\.[{_DIGIT}]+)?", _WORD + ".-"), _words(_SHELL_WORDS, _WORD + "-"))
_JAVASCRIPT = _lexer(_token("com", rf"//[^\n]*|/\*{_ANY}*?\*/"), _token("str", _C_STRING + r"|`(?:\\.|[^`\\])*`"),
                     _apart("num", _NUMBER, _WORD + "."), _words(_JS_WORDS, _WORD + "$"))
_JSON = _lexer(_token("key", r"\"(?:\\.|[^\"\\\n])*\"", then=r"\s*:"), _token("str", r"\"(?:\\.|[^\"\\\n])*\""),
               _apart("num", _NUMBER, _WORD + "."), _words(["true", "false", "null"]))
_YAML = _lexer(_token("com", r"#[^\n]*", after=r"\s"), _token("str", _C_STRING),
               _token("key", rf"[A-Za-z_][{_WORD}.-]*", after=r"[\s-]", then=r":(?:\s|\Z)"),
               _apart("num", rf"-?[{_DIGIT}]+(?:\.[{_DIGIT}]+)?", _WORD + ".-"),
               _words(["true", "false", "null", "yes", "no", "on", "off", "~"], _WORD + "~"))

_LEXERS: dict[str, linear_regex.Pattern] = {}
for _names, _lex in (("python py python3 py3 ipython", _PYTHON),
                     ("bash sh shell zsh console shell-session shellsession terminal", _SHELL),
                     ("javascript js jsx mjs cjs typescript ts tsx", _JAVASCRIPT),
                     ("json jsonc json5", _JSON), ("yaml yml", _YAML)):
    _LEXERS.update(dict.fromkeys(_names.split(), _lex))


def known_language(language: str) -> bool:
    return language.strip().lower() in _LEXERS


def highlight(code: str, language: str) -> str:
    """HTML for the inside of a <code> element: escaped text with <span class="tok-…"> tokens."""
    lexer = _LEXERS.get(language.strip().lower())
    if lexer is None:
        return html.escape(code)
    text = "\n" + _stand_in(code)   # the sentinel: what comes before the code, for every token
    parts, position, at = [], 0, 0
    while (match := lexer.search(text, at)) is not None:
        name = match.lastgroup      # the one group that matched
        start, end = (offset - 1 for offset in match.span(name))    # in the code
        parts.append(html.escape(code[position:start]))
        parts.append(f'<span class="tok-{name}">{html.escape(code[start:end])}</span>')
        position = at = end         # in `text`, the token's last character
    parts.append(html.escape(code[position:]))
    return "".join(parts)


class _StandIns(dict):
    """A `str.translate` table mapping each character to its stand-in, worked out once per character."""

    def __missing__(self, point: int) -> str:
        char = chr(point)
        if point < 128:
            value = "," if char in "\x01\x02" else char
        elif char.isdecimal():
            value = "\x02"
        elif char.isalnum():
            value = "\x01"
        else:
            value = " " if char.isspace() else ","
        self[point] = value
        return value


def _stand_in(code: str) -> str:
    if code.isascii() and "\x01" not in code and "\x02" not in code:
        return code
    return code.translate(_StandIns())
