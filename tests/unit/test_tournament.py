"""Copeland's ranks over votes kept as arrays equal the definition counted pair by pair."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from shared.tournament import Tournament


def by_definition(votes: list[tuple[str, str, int]]) -> Counter:
    """Each pair in which `a` has more votes than `b` is a win for `a` (−1), a loss for `b` (+1)."""
    count: Counter = Counter()
    for first, second, weight in votes:
        count[first, second] += weight
    rank: Counter = Counter()
    for (first, second), total in list(count.items()):
        if total > count.get((second, first), 0):
            rank[first] -= 1
            rank[second] += 1
    return rank


@pytest.mark.parametrize("seed", range(60))
def test_the_ranks_are_copelands_on_random_votes(seed):
    rng = random.Random(seed)
    members = [f"m{n}" for n in range(rng.randint(1, 25))]
    votes = [(rng.choice(members), rng.choice(members), rng.choice((1, 1, 2, 3)))
             for _ in range(rng.randint(0, 300))]
    tournament = Tournament(members)
    for number, (first, second, weight) in enumerate(votes):
        if number % 3:
            tournament.vote(first, second, weight)
        else:
            tournament.votes_for([first], second, weight)
    expected = by_definition(votes)
    assert tournament.ranks() == {member: expected[member] for member in members}
    assert len(tournament) == len(votes)


def test_members_nobody_voted_on_rank_zero_and_a_vote_for_oneself_counts_for_nothing():
    tournament = Tournament(["a", "b", "c"])
    assert tournament.ranks() == {"a": 0, "b": 0, "c": 0}
    tournament.vote("c", "c", 5)
    tournament.votes_for(["a", "a"], "b")
    tournament.vote("b", "a")
    assert tournament.ranks() == {"a": -1, "b": 1, "c": 0}


def test_a_vote_for_someone_outside_the_tournament_is_refused():
    with pytest.raises(KeyError):
        Tournament(["a"]).vote("a", "z")


@pytest.mark.parametrize("seed", range(8))
def test_votes_summed_as_they_come_rank_as_votes_summed_at_the_end(seed, monkeypatch):
    """Past FOLD_EVERY waiting votes, a tournament sums them per pair: the ranks and the count of
    votes are those of every vote kept to the end."""
    import shared.tournament

    rng = random.Random(seed)
    members = [f"m{n}" for n in range(rng.randint(2, 30))]
    votes = [(rng.choice(members), rng.choice(members), rng.choice((1, 1, 2, 3)))
             for _ in range(rng.randint(50, 600))]
    monkeypatch.setattr(shared.tournament, "FOLD_EVERY", rng.randint(1, 40))
    tournament = Tournament(members)
    for number, (first, second, weight) in enumerate(votes):
        if number % 2:
            tournament.vote(first, second, weight)
        else:
            tournament.votes_for([first], second, weight)
    expected = by_definition(votes)
    assert tournament.ranks() == {member: expected[member] for member in members}
    assert len(tournament) == len(votes)
    assert tournament.ranks() == {member: expected[member] for member in members}  # asked again
