"""Sentences that point at something beside them on their page — "it looks like this:", "the
following table", "as shown below", "the example above", "here are the steps" — mean nothing when
quoted alone, without what they point at. Summaries, gists, key points and questions quote
sentences alone, so stage 2 and stage 4 leave these out of what they quote; a module's content,
which shows a section whole (its tables, lists and code too), keeps them where they are.

A documented rule, not a list of cases: a sentence ending in a colon (it introduces what comes
next), the words that announce what follows ("the following", "as follows", "like this/so", "here
is/are"), and "above"/"below" used for a place on the page (after a verb of showing, after "the",
after a thing a page shows, or ending a clause) rather than as a comparison ("values below
zero" is kept)."""
from __future__ import annotations

from shared import linear_regex

_SHOWN = ("as|see|shown|listed|described|mentioned|explained|given|defined|illustrated|outlined|detailed|"
          "written|displayed|demonstrated|presented|included")
_THINGS = ("example|examples|table|code|snippet|list|command|commands|output|diagram|figure|image|screenshot|"
           "section|steps|step|sample|program|file|configuration|query|function|class|method|line|lines")
_POINTING = linear_regex.compile(
    rf"\b(?:the following|as follows|like (?:this|so)|here (?:is|are)|here's|shown here)\b"
    rf"|\b(?:{_SHOWN}) (?:(?:just|right|directly|further|immediately) )?(?:above|below)\b"
    rf"|\bthe (?:above|below)\b"
    rf"|\b(?:{_THINGS}) (?:above|below)\b"
    rf"|\b(?:above|below) *[.:,;)]"
    rf"|:\s*$"
    # Chinese and Japanese: "as the figure below shows", "the following", "see here", a full-width colon.
    rf"|如下|下图|如图|下表|上图|上表|以下|下面|下述|上述|所示|参见|详见|这里|此处|下記|上記|次の|こちら|：\s*$",
    linear_regex.IGNORECASE)


def points_beside(sentence: str) -> bool:
    """Whether `sentence` points at something beside it on its page (see the module's rule)."""
    return _POINTING.search(sentence) is not None
