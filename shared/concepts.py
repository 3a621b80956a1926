"""What makes two mentions one concept, for every stage that compares concepts: stage 2 when it
links documents by the concepts they define and use, stage 3 when it groups documents by the
concepts they share and tells taught from assumed knowledge. `concept_key` is the one normaliser:
"Virtual Environments", "virtual environment" and "the virtual environment" have one key.

Only what the key needs lives here (word splitting, a matching-only singular, English function
words); stage 2's phrase extraction builds on these in services/doc_analyser/engine/lexicon.py."""
from __future__ import annotations

import string
from functools import lru_cache
from typing import Callable, Iterable

from shared import linear_regex
from shared.cjk import CJK_CHARACTER, LONGEST_TERM, has_cjk, is_cjk_character, joined

# English function words: never a concept's first or last word ("the broker", "brokers of").
STOPWORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst an and another any anybody anyhow anyone anything anyway anywhere are
around as at be became because become becomes becoming been before beforehand behind being below
beside besides between beyond both but by can cannot could did do does doing done down during each
either else elsewhere enough etc even ever every everyone everything everywhere except few for
from further had has have having he hence her here hereby herein hers herself him himself his how
however i if in indeed instead into is it its itself just last least less let lets like many may
me meanwhile might mine more moreover most mostly much must my myself namely neither never
nevertheless next no nobody none nor not nothing now nowhere of off often on once one only onto
or other others otherwise our ours ourselves out over own per perhaps please quite rather re
really same several shall she should since so some somehow someone something sometime sometimes
somewhere still such than that the their theirs them themselves then thence there thereafter
thereby therefore therein thereupon these they this those though through throughout thru thus to
together too toward towards under unless until up upon us very via was we well were what whatever
when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which
while whither who whoever whole whom whose why will with within without would yes yet you your
yours yourself yourselves inside outside alongside despite unlike near past
i'm you're it's don't doesn't isn't aren't can't won't you'll we'll let's that's there's here's
what's e.g i.e vs cf ie eg ok okay
""".split())

# Words, identifiers (snake_case, dotted.names, kebab-case, call()), numbers (versions too) and
# punctuation, and each Chinese or Japanese character alone (they write no spaces between words:
# shared/cjk.py finds their words). An ordinal ("3rd") is one token; a number's ordinal suffix and what follows a number
# are decided in `tokens`.
# Letters of the alphabets that write blanks between words: Latin with its accents ("données",
# "Müller", Vietnamese), Greek, Cyrillic and Hangul. A word of them is one token, not pieces cut at
# each accented letter.
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0370-\u03ff\u0400-\u04ff\uac00-\ud7a3"
_TOKEN = linear_regex.compile(f"[{_LETTER}][{_LETTER}0-9]*(?:['’._-][{_LETTER}0-9]+)*(?:\\(\\))?"
                              r"|\d+(?:[.,]\d+)*|" + CJK_CHARACTER + r"|[^\w\s]")
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# ASCII punctuation, each mark a token alone wherever `_TOKEN` meets it outside a word ("_" is a
# word character, no token).
_MARKS = "".join(mark for mark in string.punctuation if mark != "_")
# URLs and e-mail addresses. A URL starts a word: at the start, or after a character that is no
# word character. An address starts a run of non-blanks: at the start, or after a blank or an `@`.
# That character before is matched and put back. The part after an address's `@` holds a dot
# followed by a word character.
_ADDRESS = r"[^\s@]+@[^\s@]*\.\w[^\s@]*"
_URL = linear_regex.compile(r"^(?P<first>(?:https?|ftp)://\S+|www\.\S+|" + _ADDRESS + ")"
                            r"|[^\w](?:(?:https?|ftp)://\S+|www\.\S+)|[\s@]" + _ADDRESS)


def _url_replacement(match: linear_regex.Match) -> str:
    before = "" if match["first"] is not None else match.string[match.start()]
    return before + " , "


def without_urls(text: str) -> str:
    return _URL.sub(_url_replacement, text) if ("://" in text or "www." in text or "@" in text) else text


# The stages tokenise the same sentences many times over (a module's questions compare each
# option with every other); a sentence's tokens are kept, a whole document's are not, and only
# the latest sentences' (8,192 of each held 6.6 MB by the end of a 2,000-document course's stage 4,
# no faster than 2,048).
_REMEMBERED_TEXT_LIMIT = 500


def tokens(text: str) -> list[str]:
    """Word tokens and punctuation tokens (one character each), URLs removed."""
    if len(text) <= _REMEMBERED_TEXT_LIMIT:
        return list(_remembered_tokens(text))
    return _tokens(text)


@lru_cache(maxsize=2_048)
def _remembered_tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokens(text))


def _tokens(text: str) -> list[str]:
    """No token holds a blank, and the scan after a blank starts afresh: the tokens of a text are
    those of its blank-separated pieces, one after the other. Most pieces are a word of ASCII
    letters with a few punctuation marks around it, split here without a pattern; the others
    are scanned by `_TOKEN` (one RE2 call per token, each costing more than the split)."""
    found: list[str] = []
    for piece in without_urls(text).split():
        if piece.isalpha() and piece.isascii():
            found.append(piece)
            continue
        word = piece.strip(_MARKS)
        start = len(piece) - len(piece.lstrip(_MARKS))
        end = start + len(word)
        if word.isalpha() and word.isascii() and piece[end:end + 1] != "(":  # "call()" is one token
            found.extend(piece[:start])
            found.append(word)
            found.extend(piece[end:])
            continue
        _scan(piece, found)
    return found


def _scan(text: str, found: list[str]) -> None:
    """`_TOKEN`'s tokens of `text` appended to `found`, numbers' ordinals and glued words decided."""
    at: int | None = 0
    while at is not None:
        resume = None
        for match in _TOKEN.finditer(text, at):
            token = match.group()
            if not token[0].isdecimal():  # a word or punctuation: numbers start with a `\d`
                found.append(token)
                continue
            start, end = match.span()
            after = text[end:end + 3]
            if after[:2] in _ORDINAL_SUFFIXES and after[2:] not in _ASCII_LETTERS:
                # An ordinal: the scan goes on after its suffix, which the pattern did not take.
                found.append(text[start:end + 2])
                resume = end + 2
                break
            if after[:1] not in _ASCII_LETTERS or end - start == 1:
                found.append(token)
            elif text[end - 2] in ".,":
                # A number glued to a word gives back its last part: "1.5x" is "1", ".", "5", "x".
                found.extend((text[start:end - 2], text[end - 2], text[end - 1]))
            else:
                found.extend((text[start:end - 1], text[end - 1]))  # "12x" is "1", "2", "x"
        at = resume


def words(text: str) -> list[str]:
    if len(text) <= _REMEMBERED_TEXT_LIMIT:
        return list(_remembered_words(text))
    return [token for token in _tokens(text) if token[0].isalpha()]


@lru_cache(maxsize=2_048)
def _remembered_words(text: str) -> tuple[str, ...]:
    return tuple(token for token in _remembered_tokens(text) if token[0].isalpha())


def singular(word: str) -> str:
    """Cheap English singular for matching only (never shown): "brokers" → "broker",
    "policies" → "policy", "classes" → "class"; leaves "status", "analysis", identifiers alone."""
    if len(word) <= 3 or not word.isalpha() or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


@lru_cache(maxsize=65536)
def normal(word: str) -> str:
    return singular(word.lower().replace("’", "'"))


def concept_key(phrase: str) -> str:
    """The matching key of a concept: lower case, singular, without edge stop words."""
    return _key_of([normal(word) for word in words(phrase)])


def phrase_keys(text: str, longest: int) -> set[str]:
    """The concept key of every run of up to `longest` words of `text` — `concept_key` of each run,
    its words read once rather than once per run they are in."""
    normals = [normal(word) for word in words(text)]
    found = {_key_of(normals[start:start + size])
             for size in range(1, longest + 1) for start in range(len(normals) - size + 1)}
    if has_cjk(text):  # a CJK term is a run of characters, each one token: longer runs are terms too
        cjk = [is_cjk_character(word[0]) for word in normals]
        found.update(_key_of(normals[start:start + size]) for size in range(longest + 1, LONGEST_TERM + 1)
                     for start in range(len(normals) - size + 1) if all(cjk[start:start + size]))
    found.discard("")
    return found


def _key_of(keys: list[str]) -> str:
    while keys and keys[0] in STOPWORDS:
        keys.pop(0)
    while keys and keys[-1] in STOPWORDS:
        keys.pop()
    return joined(keys)


def distinct(items: Iterable[str], key: Callable[[str], str] = concept_key) -> list[str]:
    """The first of each item with the same `key` (by default the concept's), in order; items
    whose key is empty are left out."""
    seen: set[str] = set()
    kept = []
    for item in items:
        k = key(item)
        if k and k not in seen:
            seen.add(k)
            kept.append(item)
    return kept
