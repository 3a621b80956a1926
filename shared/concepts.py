"""What makes two mentions one concept, for every stage that compares concepts: stage 2 when it
links documents by the concepts they define and use, stage 3 when it groups documents by the
concepts they share and tells taught from assumed knowledge. `concept_key` is the one normaliser:
"Virtual Environments", "virtual environment" and "the virtual environment" have one key.

Only what the key needs lives here (word splitting, a matching-only singular, English function
words); stage 2's phrase extraction builds on these in services/doc_analyser/engine/lexicon.py."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

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

# Words, identifiers (snake_case, dotted.names, kebab-case, call()) and numbers (versions too).
# An ordinal ("3rd") is one token: split, its "rd" read as a word ("rd party library").
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’._-][A-Za-z0-9]+)*(?:\(\))?"
                    r"|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?![A-Za-z])|\d+(?:[.,]\d+)*|[^\w\s]")
# URLs and e-mail addresses. An address starts only where a run of non-blanks does and its parts
# never give characters back: `\S+@\S+\.\w+` was cubic in `a@a@a@…` (4 s for 2,000 characters).
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+"
                  r"|(?<![^\s@])[^\s@]++@(?=[^\s@]*?\.\w)[^\s@]++")


def without_urls(text: str) -> str:
    return _URL.sub(" , ", text) if ("://" in text or "www." in text or "@" in text) else text


def tokens(text: str) -> list[str]:
    """Word tokens and punctuation tokens (one character each), URLs removed."""
    return _TOKEN.findall(without_urls(text))


def words(text: str) -> list[str]:
    return [token for token in tokens(text) if token[0].isalpha()]


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
    keys = [normal(word) for word in words(phrase)]
    while keys and keys[0] in STOPWORDS:
        keys.pop(0)
    while keys and keys[-1] in STOPWORDS:
        keys.pop()
    return " ".join(keys)


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
