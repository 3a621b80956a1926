"""Ranking by a round-robin tournament (Copeland's method): the reading orders of stage 1
(services/repo_clone/reading_order.py, among folders), stage 2 (services/doc_analyser/engine/corpus.py)
and stage 3 (services/pathway/engine/order/teaching.py) rank tied documents by how their pairs vote.

A tournament among thousands of pages of one vocabulary counts up to a million votes, most of them
for pairs already voted on. Each vote is kept as one 8-byte number (the pair's code) and its
weight, rather than as a tuple in a Counter of small objects, and every FOLD_EVERY votes they are
summed per pair by numpy: what a tournament holds grows with the pairs voted on, not with the votes
(sorting a million votes at once, with its temporaries, took about 90 MB)."""
from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable

import numpy


# Votes waiting to be summed per pair: about 4 MB of them, and as much again while summing.
FOLD_EVERY = 1 << 18


class Tournament:
    """Votes among a fixed set of members. `vote(a, b, n)`: n more reasons for `a` to come before
    `b`; both must be members."""

    def __init__(self, members: Iterable[Hashable]) -> None:
        self.members = list(dict.fromkeys(members))
        self._index = {member: number for number, member in enumerate(self.members)}
        self._pairs = array("q")  # first's number × members + second's number, one per vote cast
        self._weights = array("q")
        # The votes summed so far: each pair voted on once, ascending, with its total weight.
        self._summed_pairs = numpy.zeros(0, dtype=numpy.int64)
        self._summed_totals = numpy.zeros(0, dtype=numpy.int64)
        self._summed_votes = 0

    def vote(self, first: Hashable, second: Hashable, weight: int = 1) -> None:
        self._pairs.append(self._index[first] * len(self.members) + self._index[second])
        self._weights.append(weight)
        if len(self._pairs) >= FOLD_EVERY:
            self._fold()

    def votes_for(self, firsts: Iterable[Hashable], second: Hashable, weight: int = 1) -> None:
        """One vote of `weight` for each of `firsts` over `second`."""
        size, index, before = len(self.members), self._index, len(self._pairs)
        against = index[second]
        self._pairs.extend(index[first] * size + against for first in firsts)
        self._weights.extend([weight] * (len(self._pairs) - before))
        if len(self._pairs) >= FOLD_EVERY:
            self._fold()

    def __len__(self) -> int:
        """Votes cast (a vote of weight n counts once)."""
        return self._summed_votes + len(self._pairs)

    def _fold(self) -> None:
        """The waiting votes summed into the pairs' totals."""
        if not self._pairs:
            return
        codes = numpy.concatenate((self._summed_pairs, numpy.frombuffer(self._pairs, dtype=numpy.int64)))
        weights = numpy.concatenate((self._summed_totals, numpy.frombuffer(self._weights, dtype=numpy.int64)))
        self._summed_votes += len(self._pairs)
        self._pairs, self._weights = array("q"), array("q")
        by_pair = numpy.argsort(codes, kind="stable")
        codes, weights = codes[by_pair], weights[by_pair]
        del by_pair
        starts = numpy.flatnonzero(numpy.concatenate(([True], codes[1:] != codes[:-1])))
        self._summed_pairs, self._summed_totals = codes[starts], numpy.add.reduceat(weights, starts)

    def ranks(self) -> dict[Hashable, int]:
        """Copeland's score of every member: each pair in which `a` has more votes than `b` is a
        win for `a` (−1) and a loss for `b` (+1); a member's losses minus wins, so the smallest
        rank comes first. A member never voted for or against ranks 0."""
        size = len(self.members)
        self._fold()
        pairs, totals = self._summed_pairs, self._summed_totals
        if not len(pairs):
            return dict.fromkeys(self.members, 0)
        first, second = numpy.divmod(pairs, size)
        reverse = second * size + first
        at = numpy.searchsorted(pairs, reverse).clip(max=len(pairs) - 1)
        against = numpy.where(pairs[at] == reverse, totals[at], 0)
        del reverse, at
        won = totals > against
        rank = numpy.bincount(second[won], minlength=size) - numpy.bincount(first[won], minlength=size)
        return dict(zip(self.members, rank.tolist()))
