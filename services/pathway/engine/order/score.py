"""The one sort key a pathway orders by, and the order it gives under the prerequisites. Where the
signals (signals.py, teaching.py) are combined: the third step of the order's pipeline (see
order/__init__.py); the constraints (constraints.py) then decide what may come before what."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from .folders import folders_in_one_piece
from .signals import navigation_rank, peer_order

if TYPE_CHECKING:  # the variants and the corpus consult the signals: imported for types only
    from ..corpus import Corpus
    from ..variants import Variant


def arrange(variant: Variant, corpus: Corpus, paths: Iterable[str]) -> list[str]:
    """`paths` in the variant's reading order: by its sort key, each after its prerequisites
    (placed up front, or pulled in just before the first document needing them). Where the variant
    follows the reading order, the documents no navigation lists are then placed again with each
    of their folders in one piece (folders.py), where its pages came on average — unless the
    first order already keeps every folder whole."""
    place = corpus.graph.pulled_in if variant.pull_in else corpus.graph.ordered
    key = sort_key(variant, corpus)
    keys = {path: key(path) for path in paths}
    order = place(keys, keys.__getitem__)
    if not variant.follows_reading_order:
        return order
    unlisted = [path for path in order
                if corpus.documents[path].navigation_index is None and path != corpus.overview]
    pieces = folders_in_one_piece(unlisted)
    # The overview stays first and the listed documents before the others (an empty tuple sorts first).
    whole = {path: (path != corpus.overview, pieces.get(path, ()), own) for path, own in keys.items()}
    if all(whole[a] < whole[b] for a, b in zip(order, order[1:])):
        # Every folder already whole: placed again, each step's pick would be the same document
        # (the smallest of the ready ones by either key), so the order is returned as it is.
        return order
    return place(keys, whole.__getitem__)


def sort_key(variant: Variant, corpus: Corpus) -> Callable[[str], tuple]:
    """The one place the order's signals are combined, strongest first; each later signal only
    breaks the ties of the earlier ones. Where there is no navigation (the "foundations-first"
    order): (1) the overview page; (2) stage 1's inferred rank (services/repo_clone/reading_order.py):
    folder by folder, the index page first, project notes last, then the order the index links its
    pages in, a position the front matter declares, the kind of reading a name says (introduction,
    installation and tutorial early; FAQ, reference, glossary, upgrade late), a number prefix, and a
    page that names the next one ("Next: …", "Continue to …") put right before it; (3) the page more
    documents require first (corpus.required_by: its in-degree in the prerequisite graph, the links
    and defined concepts stage 2 found — the foundations others build on); (4) the kind of
    reading stage 2 found in the wording (variants._FOUNDATIONS_INFERRED: overview, then tutorials
    and how-tos, then the body, then FAQ, then notes: tutorial before reference); (5) define before
    use (corpus.teaching_first): a tournament in which a page wins over another for each key term it
    teaches that the other uses, and for each link or defined concept stage 2 found it to be the
    other's prerequisite; (6) the simpler page, then the name. Prerequisite edges (graph.py) are
    hard constraints on top of this key, except those against stage 1's inferred order. With a
    navigation, its order comes first and these signals are unused. No rule names a subject.
    (`arrange` then keeps each folder of the unlisted documents in one piece: folders.py.)"""
    def key(path: str) -> tuple:
        document = corpus.documents[path]
        focus = -corpus.focus_of(document) if variant.uses_focus else 0
        # The inferred order (no navigation lists the document) goes before the phase; the authors'
        # navigation, when there is one, stays a tie-break (fast-track follows it as it is).
        # (A variant that does not follow it ranks every document alike here.)
        unlisted = variant.follows_reading_order and document.navigation_index is None
        reading = navigation_rank(document) if unlisted else (0, -1)
        return (path != corpus.overview, reading, variant.phase(document, corpus), focus, *peer_order(document))
    return key
