"""Ranking by a round-robin tournament (Copeland's method): the reading orders of stage 1
(services/repo_clone/reading_order.py, among folders), stage 2 (services/doc_analyser/engine/corpus.py)
and stage 3 (services/pathway/engine/order/teaching.py) rank tied documents by how their pairs vote.

A tournament among thousands of pages of one vocabulary counts up to a million votes. Each vote is
kept as one 8-byte number (the pair's code) and its weight, summed per pair by numpy at the end,
rather than as a tuple in a Counter of small objects."""
from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable

import numpy


class Tournament:
    """Votes among a fixed set of members. `vote(a, b, n)`: n more reasons for `a` to come before
    `b`; both must be members."""

    def __init__(self, members: Iterable[Hashable]) -> None:
        self.members = list(dict.fromkeys(members))
        self._index = {member: number for number, member in enumerate(self.members)}
        self._pairs = array("q")  # first's number × members + second's number, one per vote cast
        self._weights = array("q")

    def vote(self, first: Hashable, second: Hashable, weight: int = 1) -> None:
        self._pairs.append(self._index[first] * len(self.members) + self._index[second])
        self._weights.append(weight)

    def votes_for(self, firsts: Iterable[Hashable], second: Hashable, weight: int = 1) -> None:
        """One vote of `weight` for each of `firsts` over `second`."""
        size, index, before = len(self.members), self._index, len(self._pairs)
        against = index[second]
        self._pairs.extend(index[first] * size + against for first in firsts)
        self._weights.extend([weight] * (len(self._pairs) - before))

    def __len__(self) -> int:
        """Votes cast (a vote of weight n counts once)."""
        return len(self._pairs)

    def ranks(self) -> dict[Hashable, int]:
        """Copeland's score of every member: each pair in which `a` has more votes than `b` is a
        win for `a` (−1) and a loss for `b` (+1); a member's losses minus wins, so the smallest
        rank comes first. A member never voted for or against ranks 0."""
        size = len(self.members)
        if not self._pairs:
            return dict.fromkeys(self.members, 0)
        codes = numpy.frombuffer(self._pairs, dtype=numpy.int64)
        by_pair = numpy.argsort(codes, kind="stable")
        codes, weights = codes[by_pair], numpy.frombuffer(self._weights, dtype=numpy.int64)[by_pair]
        del by_pair
        starts = numpy.flatnonzero(numpy.concatenate(([True], codes[1:] != codes[:-1])))
        pairs, totals = codes[starts], numpy.add.reduceat(weights, starts)
        del codes, weights
        first, second = numpy.divmod(pairs, size)
        reverse = second * size + first
        at = numpy.searchsorted(pairs, reverse).clip(max=len(pairs) - 1)
        against = numpy.where(pairs[at] == reverse, totals[at], 0)
        won = totals > against
        rank = numpy.bincount(second[won], minlength=size) - numpy.bincount(first[won], minlength=size)
        return dict(zip(self.members, rank.tolist()))
