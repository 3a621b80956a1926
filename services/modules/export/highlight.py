"""A small syntax highlighter for the static site: one regular expression per language finds
comments, strings, numbers, keywords (and keys / variables where the language has them); the
text between tokens, and every token, is HTML-escaped. Unknown languages are only escaped."""
from __future__ import annotations

import html
import keyword
import re

_PY_STRING = (r"[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''"
              r"|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')")
_C_STRING = r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'"
_NUMBER = r"(?<![\w.])-?(?:0[xX][0-9a-fA-F]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])"
_SHELL_WORDS = ("if then else elif fi for while until do done case esac function in return export "
                "local source alias unset sudo").split()
_JS_WORDS = ("break case catch class const continue debugger default delete do else export extends "
             "finally for function if import in instanceof let new return super switch this throw try "
             "typeof var void while with yield async await of null undefined true false interface type "
             "enum implements private public protected readonly as from declare namespace abstract "
             "static get set").split()


def _words(words: list[str], edge: str = r"\w") -> str:
    alternatives = "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))
    return rf"(?<![{edge}])(?:{alternatives})(?![{edge}])"


def _lexer(*groups: tuple[str, str]) -> re.Pattern[str]:
    """Alternatives in priority order: at each position the first that matches wins, so a `#`
    inside a string stays part of the string."""
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in groups), re.MULTILINE)


_PYTHON = _lexer(("com", r"#[^\n]*"), ("str", _PY_STRING), ("num", _NUMBER),
                 ("kw", _words(keyword.kwlist + ["self", "print"])))
_SHELL = _lexer(("com", r"(?<!\S)#[^\n]*"), ("str", r"\"(?:\\.|[^\"\\])*\"|'[^']*'"),
                ("var", r"\$\{[^}\n]*\}|\$[A-Za-z_]\w*|\$[0-9@#?*!$-]"),
                ("num", r"(?<![\w.-])\d+(?:\.\d+)?(?![\w.-])"), ("kw", _words(_SHELL_WORDS, r"\w-")))
_JAVASCRIPT = _lexer(("com", r"//[^\n]*|/\*[\s\S]*?\*/"), ("str", _C_STRING + r"|`(?:\\.|[^`\\])*`"),
                     ("num", _NUMBER), ("kw", _words(_JS_WORDS, r"\w$")))
_JSON = _lexer(("key", r"\"(?:\\.|[^\"\\\n])*\"(?=\s*:)"), ("str", r"\"(?:\\.|[^\"\\\n])*\""),
               ("num", _NUMBER), ("kw", _words(["true", "false", "null"])))
_YAML = _lexer(("com", r"(?<!\S)#[^\n]*"), ("str", _C_STRING),
               ("key", r"(?<![^\s-])[A-Za-z_][\w.-]*(?=:(?:\s|$))"),
               ("num", r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.-])"),
               ("kw", _words(["true", "false", "null", "yes", "no", "on", "off", "~"], r"\w~")))

_LEXERS: dict[str, re.Pattern[str]] = {}
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
    parts, position = [], 0
    for match in lexer.finditer(code):
        if not match.group():
            continue
        parts.append(html.escape(code[position:match.start()]))
        parts.append(f'<span class="tok-{match.lastgroup}">{html.escape(match.group())}</span>')
        position = match.end()
    parts.append(html.escape(code[position:]))
    return "".join(parts)
