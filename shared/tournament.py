"""Ranking by a round-robin tournament (Copeland's method): the reading orders of stage 2
(services/doc_analyser/engine/corpus.py) and stage 3 (services/pathway/engine/order/teaching.py) both rank
tied documents by how their pairs vote."""
from __future__ import annotations

from collections import Counter
from typing import Hashable


def copeland_ranks(votes: Counter) -> Counter:
    """`votes[a, b]`: the reasons for `a` to come before `b`. Every pair in which `a` has more
    than `b` is a win for `a` (−1) and a loss for `b` (+1): each member's losses minus wins, so the
    smallest rank comes first. Members never voted for or against rank 0 (a Counter's default)."""
    rank: Counter[Hashable] = Counter()
    for (first, second), count in votes.items():
        if count > votes[second, first]:  # a missing pair reads as 0 without being added
            rank[first] -= 1
            rank[second] += 1
    return rank
