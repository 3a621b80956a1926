"""Why each document of a pathway is where it is, in words an author can check and correct.

The explanation is read off the finished order, whoever made it (the engine, a model, a refresh
carrying a pathway forward), from the same signals the engine orders by (score.sort_key):

1. the place: the course's overview; else, where the pathway keeps the authors' order and the
   document comes in it (after every earlier document the navigation lists before it), its place
   in the navigation ("listed 4th under 'Essentials' in .vitepress/config.ts") or in the order
   stage 1 inferred from names, index pages and front matter (and, where that order left its folder
   tied with another and the pathway reads each in one piece, that it is read with its folder);
   else its kind of reading, which the pathway orders by;
2. what fixed it there: the latest earlier document it requires (a link or a concept stage 2 found);
3. what it is read for: a key concept it teaches that later documents use (define before use), or
   the later documents that require it.

A document gets the first that applies of 1 and at most one of 2 and 3, so each reason stays one
short line. Linear in the pathway's documents and the concepts they name."""
from __future__ import annotations

import posixpath
from bisect import bisect_right
from collections import defaultdict
from typing import Mapping

from shared.vocabulary import doc_type_table

from .constraints import PrerequisiteGraph
from .signals import taught_uses
from ..models import PathwayDocument

MAX_PLACEMENT_CHARS = 300  # a reason is one line beside the document, never a paragraph

_KIND = doc_type_table({
    "overview": "an overview", "concept": "a concept page", "guide": "a guide", "tutorial": "a tutorial",
    "how-to": "a how-to", "example": "an example", "faq": "an FAQ", "troubleshooting": "a troubleshooting page",
    "reference": "a reference page", "api": "an API reference", "changelog": "release notes",
    "contributing": "a contribution guide", "other": "a page of no known kind"})


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def explain_order(order: list[str], documents: Mapping[str, PathwayDocument], *, pathway_title: str,
                  by_kind: bool, overview: str | None = None, navigation_source: str | None = None,
                  graph: PrerequisiteGraph | None = None,
                  uses: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """One reason per path of `order` (a pathway's documents, in reading order), in that order.
    `documents` holds every analysed document (places are counted among them); `by_kind` says the
    pathway orders by kind of reading before the authors' order (hands-on, reference first, …).
    `graph` and `uses` (signals.taught_uses of `documents`) let the pathways of one plan share them."""
    graph = graph or PrerequisiteGraph.build(documents.values())
    uses = uses if uses is not None else taught_uses(documents.values())
    placed = [documents[path] for path in order]
    navigation_places = _navigation_places(documents.values())
    inferred_places = _inferred_places(documents.values())
    whole_folders = _tied_folders_read_whole(placed)
    position = {path: i for i, path in enumerate(order)}
    users = _concept_users(placed, uses)
    required_by: dict[str, list[int]] = defaultdict(list)
    for i, document in enumerate(placed):
        for prerequisite in graph.prerequisites_of(document.path):
            required_by[prerequisite].append(i)
    reasons, latest_listed = [], -1
    for i, document in enumerate(placed):
        in_authors_order = document.navigation_index is not None and document.navigation_index > latest_listed
        if document.navigation_index is not None:
            latest_listed = max(latest_listed, document.navigation_index)
        if document.path == overview:  # first unless it requires another page (said below)
            place = "the course's overview page" + (", read first" if i == 0 else "")
        elif not by_kind and in_authors_order:
            place = _listed(document, navigation_places, navigation_source)
        elif not by_kind and document.navigation_index is None and document.inferred_index is not None:
            place = (f"{ordinal(inferred_places[document.path])} in the reading order inferred from file "
                     f"names, index pages and front matter")
            folder = next((f for f in _folders_holding(document.path) if f in whole_folders), None)
            if folder is not None:  # the innermost folder the order keeps whole among tied ones
                place += f", read with the rest of {folder}/"
        else:
            place = f"{_KIND[document.doc_type]}, placed by its kind of reading in the '{pathway_title}' order"
        clauses = [place]
        earlier = [p for p in graph.prerequisites_of(document.path) if position.get(p, len(order)) < i]
        if earlier:
            latest = max(earlier, key=position.__getitem__)
            clauses.append(f"after '{documents[latest].title or latest}', which it requires")
        else:
            clauses.extend(_read_for(document, i, users, required_by, placed)[:1])
        reason = "; ".join(clauses)
        reasons.append(reason[:1].upper() + reason[1:MAX_PLACEMENT_CHARS])
    return reasons


def _listed(document: PathwayDocument, places: Mapping[str, tuple[int, str | None]],
            source: str | None) -> str:
    place, section = places[document.path]
    where = f" under '{section}'" if section else ""
    return f"listed {ordinal(place)}{where} in {source or 'the documentation navigation'}"


def _navigation_places(documents) -> dict[str, tuple[int, str | None]]:
    """Each listed document's place among the analysed documents of its navigation section (or of
    the whole navigation, when it has none), from 1."""
    listed = sorted((d for d in documents if d.navigation_index is not None), key=lambda d: d.navigation_index)
    counts: dict[str | None, int] = defaultdict(int)
    places = {}
    for document in listed:
        counts[document.navigation_section] += 1
        places[document.path] = (counts[document.navigation_section], document.navigation_section)
    return places


def _inferred_places(documents) -> dict[str, int]:
    """Each unlisted document's place in stage 1's inferred order (equal ranks share a place), from 1."""
    ranks = sorted({d.inferred_index for d in documents if d.navigation_index is None and d.inferred_index is not None})
    place = {rank: n for n, rank in enumerate(ranks, start=1)}
    return {d.path: place[d.inferred_index] for d in documents
            if d.navigation_index is None and d.inferred_index is not None}


def _tied_folders_read_whole(placed: list[PathwayDocument]) -> set[str]:
    """The folders, at any depth, some of whose unlisted pages (theirs or their subfolders') share an
    inferred rank with a sibling folder's (stage 1 could not tell the folders apart) and whose
    unlisted pages the order keeps in one run."""
    unlisted = [d for d in placed if d.navigation_index is None and d.inferred_index is not None]
    ranks: dict[str, set[int]] = defaultdict(set)  # folder → the inferred ranks of the pages under it
    runs: dict[str, int] = defaultdict(int)  # folder → the runs of its pages among the unlisted
    previous: set[str] = set()
    for document in unlisted:
        folders = set(_folders_holding(document.path))
        for folder in folders:
            ranks[folder].add(document.inferred_index)  # type: ignore[arg-type]
            if folder not in previous:
                runs[folder] += 1
        previous = folders
    holding_rank: dict[tuple[str, int], set[str]] = defaultdict(set)  # (parent, rank) → its folders with it
    for folder, held in ranks.items():
        for rank in held:
            holding_rank[(posixpath.dirname(folder), rank)].add(folder)
    tied = {folder for folders in holding_rank.values() if len(folders) > 1 for folder in folders}
    return {folder for folder in tied if runs[folder] == 1}


def _folders_holding(path: str) -> list[str]:
    """The folders `path` is in, innermost first ("a/b/c.md": "a/b", "a")."""
    folders, folder = [], posixpath.dirname(path)
    while folder:
        folders.append(folder)
        folder = posixpath.dirname(folder)
    return folders


def _concept_users(placed: list[PathwayDocument], uses: Mapping[str, tuple[str, ...]]) -> dict[str, list[int]]:
    """Concept key → the places (ascending) of the documents that talk about it without teaching
    it; only keys some document teaches (`uses`): _read_for looks up no other."""
    users: dict[str, list[int]] = defaultdict(list)
    for i, document in enumerate(placed):
        for key in uses[document.path]:
            if key not in document.taught_keys:
                users[key].append(i)
    return users


def _read_for(document: PathwayDocument, i: int, users: Mapping[str, list[int]],
              required_by: Mapping[str, list[int]], placed: list[PathwayDocument]) -> list[str]:
    """What later documents take from this one: the concept it defines that most of them use, or
    the documents that require it."""
    best: tuple[int, str] | None = None
    taught = document.taught_keys
    for key, label in document.concept_labels.items():
        if key not in taught:
            continue
        later = len(users.get(key, ())) - bisect_right(users.get(key, []), i)
        if later and (best is None or later > best[0]):
            best = (later, label)
    if best is not None:
        count, label = best
        return [f"defines '{label}', used by {count} later page{'s' if count > 1 else ''}"]
    later_requirers = [j for j in required_by.get(document.path, ()) if j > i]
    if later_requirers:
        first = placed[min(later_requirers)]
        more = len(later_requirers) - 1
        others = f" and {more} more" if more else ""
        return [f"required by '{first.title or first.path}'{others}"]
    return []
