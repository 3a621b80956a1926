"""Whether a sentence is supported by the source text it cites: the one rule for every text a model
writes that a learner reads — Ask's answers (services/gateway/ask/support.py cuts an answer into
sentences and their passage markers) and stage 4's modules (services/modules/engine/ledger.py).
Pure functions over bounded text, matched only by shared/linear_regex.py: linear in the length of the
sentence and of the cited text, whatever a model or a document writes.

The rule. A sentence is supported only when it cites at least one text and:
- every identifier it names occurs in the cited texts, as written (case-sensitively, not as part of
  a longer name): text in backticks, and every token that looks like code — with `_`, `.` between
  characters, `()`, `::`, `/`, or a capital after a lower-case letter (camelCase, PascalCase);
- every option name occurs there as written: `--flag`, `-x`, and the `key` of a `key=value` setting
  (a `key:` setting is checked when its key looks like code: prose ends words with colons too);
- every number occurs there as the same digit string (`1,000` reads as `1000`; `3` is not `3.11`);
- and at least MIN_SHARED_WORDS of its distinct content words (lower-cased, stop words removed,
  lightly stemmed) occur there; a sentence with no content word says nothing a text could back.

Bounds: a sentence longer than MAX_SENTENCE_CHARS is unsupported (no learner reads one; it is not
checked), and a cited text is read up to MAX_CITED_CHARS."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from shared import linear_regex
from shared.cjk import CJK_CHARACTER
from shared.word_runs import single_spaced, word_runs

MAX_SENTENCE_CHARS = 1000
MAX_CITED_CHARS = 40_000
MIN_SHARED_WORDS = 0.5
# The occurrences of one identifier looked at in a text before it counts as absent: only a text
# written to be pathological holds more that are all part of longer names.
_MAX_OCCURRENCES = 64
_MIN_WORD_LENGTH = 3
_STEM_LENGTH = 6
_CJK_RUN = linear_regex.compile(f"{CJK_CHARACTER}+")
_BACKTICKED = linear_regex.compile(r"`([^`\n]{1,300})`")
_LINK = linear_regex.compile(r"\[([^\]\n]{0,300})\]\(([^)\s]{0,500})\)")
_NUMBER = linear_regex.compile(r"\d+(?:,\d{3})*(?:\.\d+)*")
_NOT_LETTERS = linear_regex.compile(r"[\d_]+")
_ABBREVIATION = linear_regex.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")
_OPTION = linear_regex.compile(r"--?[A-Za-z][\w-]*")
_SETTING_KEY = linear_regex.compile(r"[A-Za-z_][\w.-]*")
_INNER_CAPITAL = linear_regex.compile(r"[a-z][A-Z]")
_LEADING = "\"'([{<*~“‘«"
_TRAILING = "\"'.,;:!?*”’»…"
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<"}

STOP_WORDS = frozenset("""
a about above according after again against all also although always am an and another any are around
as at be because been before being below between both but by can cannot could did do does doing done
down during each either else etc even ever every few for from further had has have having he her here
hers him his how however if in into is it its itself just least less like many may me might more most
much must my neither no nor not now of off often on once one only onto or other others our ours out
over own per rather same shall she should since so some such than that the their theirs them then there
these they this those though through thus to too under until up upon us very via was we were what when
where whether which while who whom whose why will with within without would yes yet you your yours
passage passages mentioned mentions states stated says said describes described explains explained
""".split())


@dataclass(frozen=True)
class Evidence:
    """What a sentence may claim from one passage: its text (whitespace collapsed) for identifiers,
    options and backticked code; its numbers; the stems of its words."""
    text: str
    numbers: frozenset[str]
    stems: frozenset[str]


def evidence_of(text: str) -> Evidence:
    """What a cited text vouches for."""
    flat = single_spaced(text[:MAX_CITED_CHARS])
    return Evidence(flat, frozenset(_numbers_in(flat)), frozenset(_stems(flat)))




@dataclass(frozen=True)
class Claims:
    """What a sentence asserts that a passage must hold: code as written, option names, numbers, the
    stems of its content words."""
    code: frozenset[str]
    options: frozenset[str]
    numbers: frozenset[str]
    stems: frozenset[str]


# A claim is checked against each span it may cite, again in each pass: one module's claims fit
# (4,096 held 9 MB at the end of a 2,000-document course's stage 4, no faster).
@lru_cache(maxsize=1_024)
def claims_of(sentence: str) -> Claims:
    code: set[str] = set()
    options: set[str] = set()
    numbers: set[str] = set()
    prose = sentence
    if "`" in sentence:  # each pattern is tried only on a text holding what its matches hold
        for match in _BACKTICKED.finditer(sentence):
            inner = single_spaced(match.group(1)).strip()
            if inner:
                code.add(inner)
        prose = _BACKTICKED.sub(" ", sentence)
    if "](" in prose:
        prose = _LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", prose)
    for chunk in prose.split():  # the runs of non-blanks (`\S+`)
        _classify(_stripped(chunk), code, options, numbers, depth=0)
    return Claims(frozenset(code), frozenset(options), frozenset(numbers), frozenset(_stems(sentence)))


def _classify(token: str, code: set[str], options: set[str], numbers: set[str], depth: int) -> None:
    if not token:
        return
    if _OPTION.fullmatch(token.partition("=")[0]):
        name, equals, value = token.partition("=")
        options.add(name)
        if equals and depth == 0:
            _classify(_stripped(value), code, options, numbers, depth + 1)
        return
    key, equals, value = token.partition("=")
    if equals and key and _SETTING_KEY.fullmatch(key):
        options.add(key)
        if depth == 0:
            _classify(_stripped(value), code, options, numbers, depth + 1)
        return
    if _looks_like_code(token):
        code.add(token)
        return
    numbers.update(_numbers_in(token))


def _looks_like_code(token: str) -> bool:
    if not any(char.isalpha() for char in token):
        return False  # 3.11, 2024-01-05, 1/2: numbers
    if "_" in token or "::" in token or "()" in token or "/" in token:
        return True
    if _INNER_CAPITAL.search(token):
        return True
    inner = token.strip(".")
    if "." in inner and not _ABBREVIATION.fullmatch(inner):
        return True
    return token.startswith(".") and len(token) > 1 and token[1].isalnum()  # .env


def _stripped(chunk: str) -> str:
    """A whitespace-separated chunk without the punctuation prose puts around a word: quotes,
    emphasis, a final period or comma, a possessive, an unmatched closing bracket."""
    token = chunk.lstrip(_LEADING)
    while token:
        last = token[-1]
        if last in _TRAILING:
            token = token[:-1]
        elif last in _CLOSING and token.count(last) > token.count(_CLOSING[last]):
            token = token[:-1]
        else:
            break
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    return token


def _numbers_in(text: str) -> Iterable[str]:
    return (match.group().replace(",", "") for match in _NUMBER.finditer(text))


def stem(word: str) -> str:
    """A light stem: a few English endings off, a final e off, at most _STEM_LENGTH letters kept —
    "installs", "installing", "installation" and "install" share one."""
    word = word.lower()
    for suffix, replacement in (("ations", ""), ("ation", ""), ("ings", ""), ("ing", ""), ("ies", "i"),
                                ("edly", ""), ("ed", ""), ("es", ""), ("ly", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2 and not (suffix == "s" and word.endswith("ss")):
            word = word[:len(word) - len(suffix)] + replacement
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # running -> run, stopped -> stop
            break
    if len(word) > 2 and word.endswith("e"):
        word = word[:-1]
    return word[:_STEM_LENGTH]


def _stems(text: str) -> Iterable[str]:
    # Chinese and Japanese write no spaces: a run of their characters counts by its character pairs.
    for run in _CJK_RUN.finditer(text):
        chars = run.group()
        yield from (chars[n:n + 2] for n in range(max(1, len(chars) - 1)))
    spaced = text if text.isascii() else _CJK_RUN.sub(" ", text)
    for token in map(str.lower, word_runs(spaced)):
        for word in (token,) if token.isalpha() else _NOT_LETTERS.split(token):
            if len(word) >= _MIN_WORD_LENGTH and word not in STOP_WORDS:
                yield stem(word)


def _occurs(token: str, texts: Sequence[str]) -> bool:
    """`token` in one of `texts` as written, not as part of a longer name: no letter, digit or `_`
    (nor `-` for an option) right before or after it where it begins or ends with one."""
    option = token.startswith("-")
    check_before = token[0].isalnum() or token[0] in "_-"
    check_after = token[-1].isalnum() or token[-1] == "_"
    for text in texts:
        start, seen = text.find(token), 0
        while start >= 0 and seen < _MAX_OCCURRENCES:
            before = text[start - 1] if start > 0 else " "
            after_index = start + len(token)
            after = text[after_index] if after_index < len(text) else " "
            if not (check_before and (before.isalnum() or before in "_-")) and \
                    not (check_after and (after.isalnum() or after == "_" or (option and after == "-"))):
                return True
            start, seen = text.find(token, start + 1), seen + 1
    return False


def why_unsupported(sentence: str, cited: Sequence[Evidence], compare_words: bool = True) -> str | None:
    """None when `sentence` is supported by the `cited` texts' evidence, else why not.
    `compare_words=False` for a sentence in another language than the texts: only what a
    translation keeps (identifiers, options, numbers) is compared."""
    if not cited:
        return "it cites no passage of the answer"
    if len(sentence) > MAX_SENTENCE_CHARS:
        return f"it is longer than {MAX_SENTENCE_CHARS} characters"
    claims = claims_of(sentence)
    texts = [evidence.text for evidence in cited]
    for token in sorted(claims.code):
        if not _occurs(token, texts):
            return f"the identifier {token!r} is not in the cited passages"
    for option in sorted(claims.options):
        if not _occurs(option, texts):
            return f"the option {option!r} is not in the cited passages"
    known_numbers = frozenset().union(*(evidence.numbers for evidence in cited))
    for number in sorted(claims.numbers):
        if number not in known_numbers:
            return f"the number {number} is not in the cited passages"
    if not compare_words:
        return None
    if not claims.stems:
        return "it has no content word to check"
    known_stems = frozenset().union(*(evidence.stems for evidence in cited))
    shared = len(claims.stems & known_stems)
    if shared < MIN_SHARED_WORDS * len(claims.stems):
        return (f"only {shared} of its {len(claims.stems)} content words are in the cited passages "
                f"(at least {MIN_SHARED_WORDS:.0%} must be)")
    return None


