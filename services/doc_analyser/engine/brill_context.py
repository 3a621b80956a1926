"""Brill's contextual rules (TextBlob's copy of Pattern's English tagger), applied with the rules
indexed by the tag they change. TextBlob's `Context.apply` tries every one of its ~290 rules on every
token and was most of stage 2's time; here a token meets only the rules for its own tag (and the
rules for any tag), in the rules' order: the same tags, a few rules per token instead of all.

Semantics kept exactly (tests/unit/test_brill_context.py compares with TextBlob's own on real text):
a token's rules are chosen by the tag it had when its turn came, each rule that matches overwrites
its tag, conditions read the tags as rewritten so far, and commands TextBlob lists but never
evaluates (`next1or2or3wd`, `prev1or2or3wd`) never match."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Sequence

from shared.once import once

_PAD = ("STAART", "STAART")
Tokens = list[tuple[str, str]]
Condition = Callable[[list[tuple[str, str]], int, str, str], bool]

# Each command of the rules: whether it holds at position i of the padded tokens t.
_CONDITIONS: dict[str, Condition] = {
    "prevtag": lambda t, i, x, y: x == t[i - 1][1],
    "nexttag": lambda t, i, x, y: x == t[i + 1][1],
    "prev2tag": lambda t, i, x, y: x == t[i - 2][1],
    "next2tag": lambda t, i, x, y: x == t[i + 2][1],
    "prev1or2tag": lambda t, i, x, y: x in (t[i - 1][1], t[i - 2][1]),
    "next1or2tag": lambda t, i, x, y: x in (t[i + 1][1], t[i + 2][1]),
    "prev1or2or3tag": lambda t, i, x, y: x in (t[i - 1][1], t[i - 2][1], t[i - 3][1]),
    "next1or2or3tag": lambda t, i, x, y: x in (t[i + 1][1], t[i + 2][1], t[i + 3][1]),
    "surroundtag": lambda t, i, x, y: x == t[i - 1][1] and y == t[i + 1][1],
    "curwd": lambda t, i, x, y: x == t[i][0],
    "prevwd": lambda t, i, x, y: x == t[i - 1][0],
    "nextwd": lambda t, i, x, y: x == t[i + 1][0],
    "prev1or2wd": lambda t, i, x, y: x in (t[i - 1][0], t[i - 2][0]),
    "next1or2wd": lambda t, i, x, y: x in (t[i + 1][0], t[i + 2][0]),
    "prevwdtag": lambda t, i, x, y: x == t[i - 1][0] and y == t[i - 1][1],
    "nextwdtag": lambda t, i, x, y: x == t[i + 1][0] and y == t[i + 1][1],
    "wdprevtag": lambda t, i, x, y: x == t[i - 1][1] and y == t[i][0],
    "wdnexttag": lambda t, i, x, y: x == t[i][0] and y == t[i + 1][1],
    "wdand2aft": lambda t, i, x, y: x == t[i][0] and y == t[i + 2][0],
    "wdand2tagbfr": lambda t, i, x, y: x == t[i - 2][1] and y == t[i][0],
    "wdand2tagaft": lambda t, i, x, y: x == t[i][0] and y == t[i + 2][1],
    "lbigram": lambda t, i, x, y: x == t[i - 1][0] and y == t[i][0],
    "rbigram": lambda t, i, x, y: x == t[i][0] and y == t[i + 1][0],
    "prevbigram": lambda t, i, x, y: x == t[i - 2][1] and y == t[i - 1][1],
    "nextbigram": lambda t, i, x, y: x == t[i + 1][1] and y == t[i + 2][1],
}

Rule = tuple[Condition, str, str, str]  # (condition, new tag, x, y)


def index_rules(rules: Sequence[Sequence[str]]) -> dict[str, tuple[Rule, ...]]:
    """Tag → the rules a token of that tag meets, in the rules' order (a rule for "*" meets every
    tag); rules whose command is never evaluated are left out."""
    by_tag: dict[str, list[tuple[int, Rule]]] = defaultdict(list)
    anywhere: list[tuple[int, Rule]] = []
    for position, rule in enumerate(rules):
        condition = _CONDITIONS.get(rule[2].lower())
        if condition is None:
            continue
        entry = (position, (condition, rule[1], rule[3], rule[4] if len(rule) > 4 else ""))
        (anywhere if rule[0] == "*" else by_tag[rule[0]]).append(entry)
    tags = set(by_tag)
    indexed = {tag: tuple(rule for _, rule in sorted(by_tag[tag] + anywhere, key=lambda e: e[0])) for tag in tags}
    indexed[""] = tuple(rule for _, rule in anywhere)  # any other tag
    return indexed


def apply_rules(tokens: Tokens, indexed: dict[str, tuple[Rule, ...]]) -> Tokens:
    """The tokens' (word, tag) after the contextual rules."""
    t = [_PAD] * 3 + list(tokens) + [_PAD] * 3
    for i in range(3, len(t) - 3):
        word, tag = t[i]
        for condition, new_tag, x, y in indexed.get(tag, indexed[""]):
            if condition(t, i, x, y):
                t[i] = (word, new_tag)
    return t[3:-3]


@once
def english_rules() -> dict[str, tuple[Rule, ...]]:
    from .lexicons import tagger_lexicon  # noqa: PLC0415 - lexicons.py loads the tagger

    return index_rules(list(tagger_lexicon().context))
