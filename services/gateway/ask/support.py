"""Whether a sentence of a model's answer is supported by the passages it cites, and how a model's
answer is cut into sentences with their citations. Pure functions over bounded text, matched only by
shared/linear_regex.py: linear in the length of the answer, whatever a model or a document writes.

The rule. A sentence is kept only when it cites at least one passage of the answer's list and:
- every identifier it names occurs in the cited passages, as written (case-sensitively, not as part of
  a longer name): text in backticks, and every token that looks like code — with `_`, `.` between
  characters, `()`, `::`, `/`, or a capital after a lower-case letter (camelCase, PascalCase);
- every option name occurs there as written: `--flag`, `-x`, and the `key` of a `key=value` setting
  (a `key:` setting is checked when its key looks like code: prose ends words with colons too);
- every number occurs there as the same digit string (`1,000` reads as `1000`; `3` is not `3.11`);
- and at least MIN_SHARED_WORDS of its distinct content words (lower-cased, stop words removed,
  lightly stemmed) occur there; a sentence with no content word says nothing a passage could back.
Any other sentence is unsupported: it is removed before the learner sees it.

Bounds: an answer is read up to MAX_ANSWER_CHARS, a sentence longer than MAX_SENTENCE_CHARS is
unsupported (no learner reads one; it is not checked), and a passage is read up to
MAX_PASSAGE_CHARS."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from shared import linear_regex

from .passages import Passage, Sentence

MAX_ANSWER_CHARS = 8000
MAX_SENTENCE_CHARS = 1000
MAX_PASSAGE_CHARS = 40_000
MAX_CITATION = 9999  # a bracketed number above this is text, not a citation
MIN_SHARED_WORDS = 0.5
# The occurrences of one identifier looked at in a passage before it counts as absent: only a text
# written to be pathological holds more that are all part of longer names.
_MAX_OCCURRENCES = 64
_MIN_WORD_LENGTH = 3
_STEM_LENGTH = 6

# The pieces an answer is cut at: a citation marker — [1], [1][3] (two markers), [1, 2], [1 and 2],
# [passage 2], [Sources 1, 3] — wherever it is; a run of . ! ? (a sentence's end when a space, a
# marker, a closing quote or the end follows); a line break (a list item, a heading).
_PIECE = linear_regex.compile(
    r"(\[\s*(?:(?:passages?|sources?)\s*)?\d{1,4}(?:\s*(?:,|;|and|&)\s*\d{1,4}){0,20}\s*\])|([.!?]+)|(\n)",
    linear_regex.IGNORECASE)
_NUMBER_IN_MARKER = linear_regex.compile(r"\d{1,4}")
_LIST_ITEM = linear_regex.compile(r"^\s*(?:[-*+•>]|#{1,6}|\d{1,3}[.)])\s+")
_SPACES = linear_regex.compile(r"\s+")
_BACKTICKED = linear_regex.compile(r"`([^`\n]{1,300})`")
_LINK = linear_regex.compile(r"\[([^\]\n]{0,300})\]\(([^)\s]{0,500})\)")
_CHUNK = linear_regex.compile(r"\S+")
_NUMBER = linear_regex.compile(r"\d+(?:,\d{3})*(?:\.\d+)*")
_WORD = linear_regex.compile(r"\w+")
_NOT_LETTERS = linear_regex.compile(r"[\d_]+")
_ABBREVIATION = linear_regex.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")
_OPTION = linear_regex.compile(r"--?[A-Za-z][\w-]*")
_SETTING_KEY = linear_regex.compile(r"[A-Za-z_][\w.-]*")
_INNER_CAPITAL = linear_regex.compile(r"[a-z][A-Z]")
_DECLINED = linear_regex.compile(
    r"\bnot\s+covered\b|\b(?:do|does|did)\s*(?:not|n't)\s+(?:cover|answer|mention)\b", linear_regex.IGNORECASE)

_LEADING = "\"'([{<*~“‘«"
_TRAILING = "\"'.,;:!?*”’»…"
_AFTER_END = "\"')”’»*"  # what may follow a sentence's final period: closing quotes, emphasis
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<"}
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "resp", "fig"})

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
    """The evidence of a passage's text (`Passage.text`, with its heading and path: see `cited_evidence`)."""
    flat = _SPACES.sub(" ", text[:MAX_PASSAGE_CHARS])
    return Evidence(flat, frozenset(_numbers_in(flat)), frozenset(_stems(flat)))


def cited_evidence(passage: Passage) -> Evidence:
    """What citing `passage` vouches for: its text, its heading and its document's path."""
    return evidence_of(f"{passage.path}\n{passage.heading}\n{passage.text}")


# --- sentences and their citations ------------------------------------------------------------------

def split_sentences(text: str) -> list[Sentence]:
    """A model's answer as sentences, each with the passage numbers its markers cite ([1], [1][3],
    [1, 2], before or after its final period; markers inside it count too) and without the markers.
    A sentence ends at . ! ? followed by a space, a marker or the end (not after a list number or an
    abbreviation such as "e.g."), or at a line break. A sentence without a marker has no citations.
    Only the first MAX_ANSWER_CHARS of `text` are read."""
    text = text[:MAX_ANSWER_CHARS]
    sentences: list[Sentence] = []
    parts: list[str] = []           # the current sentence's text, markers left out
    cited: list[int] = []           # its citations, in order
    closed = False                  # it has ended: only markers, spaces and closing quotes may follow
    started = 0                     # where it starts in `text`
    position = 0

    def emit(next_start: int) -> None:
        nonlocal closed, started
        sentence = _clean("".join(parts))
        if _has_content(sentence):
            sentences.append(Sentence(sentence, tuple(dict.fromkeys(cited))))
        parts.clear()
        cited.clear()
        closed, started = False, next_start

    for piece in _PIECE.finditer(text):
        between = text[position:piece.start()]
        if closed and between.strip().strip(_AFTER_END):
            emit(position)
        parts.append(between)
        position = piece.end()
        marker, stop = piece.group(1), piece.group(2)
        if marker is not None:
            cited.extend(n for n in map(int, _NUMBER_IN_MARKER.findall(marker)) if 0 < n <= MAX_CITATION)
            parts.append(" ")
        elif stop is not None:
            parts.append(stop)
            closed = closed or _ends_sentence(text, started, piece.start(), piece.end())
        else:  # a line break
            emit(position)
    between = text[position:]
    if closed and between.strip().strip(_AFTER_END):
        emit(position)
    parts.append(between)
    emit(len(text))
    return sentences


def _ends_sentence(text: str, started: int, stop: int, end: int) -> bool:
    """Whether the run of . ! ? at text[stop:end] ends the sentence that began at `started`."""
    following = text[end:end + 1]
    if following and not (following.isspace() or following in _AFTER_END or following == "["):
        return False  # inside a token: 3.11, kettle.boil(), e.g
    if stop - started <= 8 and text[started:stop].strip().isdigit():
        return False  # "1." of a numbered list
    if not text[started:stop].strip():
        return False
    # The word before it, looked for in a bounded stretch (a sentence may be one long token).
    before = text[max(started, stop - 12):stop].split()
    return not before or before[-1].lower().lstrip(_LEADING) not in _ABBREVIATIONS


def _clean(sentence: str) -> str:
    sentence = _SPACES.sub(" ", sentence).strip()
    sentence = _LIST_ITEM.sub("", sentence)
    # A marker before the final period leaves "tea ." behind.
    while len(sentence) > 1 and sentence[-1] in ".!?" and sentence[-2] == " ":
        sentence = sentence[:-2] + sentence[-1]
    return sentence.strip()


def _has_content(sentence: str) -> bool:
    return any(char.isalnum() for char in sentence)


def declines(answer: str) -> bool:
    """Whether a model's answer says that the passages do not answer the question ("not covered")."""
    return _DECLINED.search(answer[:MAX_ANSWER_CHARS]) is not None


# --- the rule ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claims:
    """What a sentence asserts that a passage must hold: code as written, option names, numbers, the
    stems of its content words."""
    code: frozenset[str]
    options: frozenset[str]
    numbers: frozenset[str]
    stems: frozenset[str]


def claims_of(sentence: str) -> Claims:
    code: set[str] = set()
    options: set[str] = set()
    numbers: set[str] = set()
    for match in _BACKTICKED.finditer(sentence):
        inner = _SPACES.sub(" ", match.group(1)).strip()
        if inner:
            code.add(inner)
    prose = _BACKTICKED.sub(" ", sentence)
    prose = _LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", prose)
    for chunk in _CHUNK.finditer(prose):
        _classify(_stripped(chunk.group()), code, options, numbers, depth=0)
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
    for match in _WORD.finditer(text):
        token = match.group().lower()
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


def why_unsupported(sentence: str, cited: Sequence[Evidence]) -> str | None:
    """None when `sentence` is supported by the `cited` passages' evidence, else why not."""
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
    if not claims.stems:
        return "it has no content word to check"
    known_stems = frozenset().union(*(evidence.stems for evidence in cited))
    shared = len(claims.stems & known_stems)
    if shared < MIN_SHARED_WORDS * len(claims.stems):
        return (f"only {shared} of its {len(claims.stems)} content words are in the cited passages "
                f"(at least {MIN_SHARED_WORDS:.0%} must be)")
    return None


def is_supported(sentence: Sentence, passages: Sequence[Passage]) -> bool:
    """Whether `sentence` cites at least one of `passages` (by number) and is supported by those it cites."""
    by_number = {passage.number: passage for passage in passages}
    cited = [cited_evidence(by_number[n]) for n in sentence.citations if n in by_number]
    return why_unsupported(sentence.text, cited) is None


def supported_sentences(sentences: Sequence[Sentence],
                        passages: Sequence[Passage]) -> tuple[tuple[Sentence, ...], int]:
    """The sentences the rule keeps, each citing only passages that exist, and how many it removed."""
    by_number: Mapping[int, Passage] = {passage.number: passage for passage in passages}
    evidence: dict[int, Evidence] = {}
    kept: list[Sentence] = []
    for sentence in sentences:
        citations = tuple(n for n in sentence.citations if n in by_number)
        for number in citations:
            if number not in evidence:
                evidence[number] = cited_evidence(by_number[number])
        if why_unsupported(sentence.text, [evidence[n] for n in citations]) is None:
            kept.append(Sentence(sentence.text, citations))
    return tuple(kept), len(sentences) - len(kept)
