"""Define before use, among the documents no navigation orders: a round-robin tournament in which a
page wins over another for each key term it teaches that the other uses, and for each prerequisite
stage 2 found. One signal of the order's pipeline (see order/__init__.py)."""
from __future__ import annotations

from collections import defaultdict

from shared.tournament import Tournament

from ..models import PathwayDocument
from .signals import taught_uses

# A group of tied documents whose tournament would count more votes than this keeps its name order
# rather than cost seconds (votes: each concept a document teaches, times the documents of the group
# that say it: a large group sharing one vocabulary grows quadratically).
MOST_VOTES = 1_000_000
# A prerequisite stage 2 found (a link, a concept the page assumes and the other defines, read in
# the full texts) counts as this many shared concepts: stage 3 sees only titles, summaries and
# concept lists, so one such judgement weighs more than one phrase (bench/order.py measures the
# weight's effect on the tuning half).
PREREQUISITE_VOTES = 2


def teaching_first(documents: list[PathwayDocument]) -> dict[str, int]:
    """Define before use, as a tournament among the documents stage 1's inferred order could not
    tell apart (no navigation lists them, same inferred rank): of two such documents, the one
    whose key concepts the other talks about more (without teaching them itself) wins, a
    prerequisite stage 2 found counting as PREREQUISITE_VOTES such concepts; a document
    ranks by its losses minus its wins, so basics that many pages build on come first. A tournament
    (Copeland's score) rather than prerequisite edges: "talks about" is too loose a relation to
    forbid an order, but over many pairs it says which pages are the foundations of the others."""
    tied: dict[int | None, list[PathwayDocument]] = defaultdict(list)
    for document in documents:
        if document.navigation_index is None:
            tied[document.inferred_index].append(document)
    rank: dict[str, int] = {}
    for group in tied.values():
        rank.update(_copeland_ranks(group))
    return rank


def _copeland_ranks(group: list[PathwayDocument]) -> dict[str, int]:
    taught = {document.path: document.taught_keys for document in group}
    uses = taught_uses(group)  # what a document says that no document teaches casts no vote
    users: dict[str, list[str]] = defaultdict(list)  # concept key → the group's documents saying it
    for document in group:
        for key in uses[document.path]:
            users[key].append(document.path)
    if sum(len(users.get(key, ())) for keys in taught.values() for key in keys) > MOST_VOTES:
        return {}
    tournament = Tournament(taught)  # (teacher, user): concepts taught by one, used by the other
    for teacher, keys in taught.items():
        for key in keys:
            for user in users.get(key, ()):
                if user != teacher and key not in taught[user]:
                    tournament.vote(teacher, user)
    for document in group:
        for required in document.prerequisites:
            if required in taught and required != document.path:
                tournament.vote(required, document.path, PREREQUISITE_VOTES)
    rank = tournament.ranks()
    return {document.path: rank[document.path] for document in group}
