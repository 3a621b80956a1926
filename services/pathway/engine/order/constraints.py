"""The prerequisite graph of a set of documents, made acyclic, and the two orders the pathways use.
One of the three files that decide a pathway's order (with variants.py and grouping.py).

A prerequisite that stage 1's inferred reading order puts after the document needing it (both
unlisted by any navigation; a strictly later rank) is not followed: names, index pages and front
matter are the authors' own word on the order, while stage 2 found the prerequisite without the
inferred order (from links and concept definitions), as it does for a navigation's order.

Analyses can contradict each other (a requires b, b requires a). Such cycles are broken
deterministically by dropping, on each cycle, its weakest edge: first one that contradicts the
navigation order, then one whose prerequisite is more complex or a later kind of reading than the
document needing it, then by path. The engine and the validation share this graph, so a plan the
engine makes is always valid and a cycle never makes every order invalid."""
from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from ..models import PathwayDocument
from .signals import complexity_rank, doc_type_rank

SortKey = Callable[[str], tuple]


@dataclass(frozen=True)
class PrerequisiteGraph:
    requires: Mapping[str, tuple[str, ...]]  # path → its prerequisites in the corpus, sorted
    dropped: tuple[tuple[str, str], ...] = ()  # (document, prerequisite) edges cut to break cycles

    @classmethod
    def build(cls, documents: Iterable[PathwayDocument]) -> PrerequisiteGraph:
        by_path = documents_by_path(documents)
        requires = {path: {p for p in document.prerequisites
                           if p in by_path and p != path and not _against_inferred_order(document, by_path[p])}
                    for path, document in by_path.items()}
        dropped = []
        while (cycle := _find_cycle(requires)) is not None:
            edges = list(zip(cycle, cycle[1:] + cycle[:1]))
            weakest = min(edges, key=lambda edge: _edge_strength(by_path[edge[0]], by_path[edge[1]]))
            requires[weakest[0]].discard(weakest[1])
            dropped.append(weakest)
        return cls({path: tuple(sorted(prereqs)) for path, prereqs in requires.items()}, tuple(dropped))

    def prerequisites_of(self, path: str) -> tuple[str, ...]:
        return self.requires.get(path, ())

    def requirer_counts(self) -> dict[str, int]:
        """Path → how many documents require it (its in-degree; absent when none)."""
        counts: dict[str, int] = defaultdict(int)
        for prerequisites in self.requires.values():
            for prerequisite in prerequisites:
                counts[prerequisite] += 1
        return dict(counts)

    def closure(self, paths: Iterable[str]) -> set[str]:
        """The paths plus everything they require, transitively."""
        found, todo = set(), list(paths)
        while todo:
            path = todo.pop()
            if path not in found:
                found.add(path)
                todo.extend(self.prerequisites_of(path))
        return found

    def ordered(self, paths: Iterable[str], key: SortKey) -> list[str]:
        """Stable topological order: of the documents whose prerequisites are placed, the one with
        the smallest key comes next."""
        members = set(paths)
        waiting = {p: {q for q in self.prerequisites_of(p) if q in members} for p in members}
        dependents = defaultdict(list)
        for path, prereqs in waiting.items():
            for prereq in prereqs:
                dependents[prereq].append(path)
        ready = [(key(p), p) for p, prereqs in waiting.items() if not prereqs]
        heapq.heapify(ready)
        order = []
        while ready:
            path = heapq.heappop(ready)[1]
            order.append(path)
            for dependent in dependents[path]:
                waiting[dependent].discard(path)
                if not waiting[dependent]:
                    heapq.heappush(ready, (key(dependent), dependent))
        return order

    def pulled_in(self, paths: Iterable[str], key: SortKey) -> list[str]:
        """Documents by key, each preceded by its not yet placed prerequisites (pulled in just in
        time rather than read up front). Iterative so long prerequisite chains cannot overflow."""
        members = set(paths)
        order, placed = [], set()
        for start in sorted(members, key=key):
            if start in placed:
                continue
            placed.add(start)
            stack = [(start, iter(self._member_prereqs(start, members, key)))]
            while stack:
                path, prereqs = stack[-1]
                prereq = next((p for p in prereqs if p not in placed), None)
                if prereq is None:
                    order.append(path)
                    stack.pop()
                else:
                    placed.add(prereq)
                    stack.append((prereq, iter(self._member_prereqs(prereq, members, key))))
        return order

    def _member_prereqs(self, path: str, members: set[str], key: SortKey) -> list[str]:
        return sorted((p for p in self.prerequisites_of(path) if p in members), key=key)


def documents_by_path(documents: Iterable[PathwayDocument]) -> dict[str, PathwayDocument]:
    """Documents by path, sorted; when a path repeats, its first analysis wins."""
    by_path: dict[str, PathwayDocument] = {}
    for document in documents:
        by_path.setdefault(document.path, document)
    return dict(sorted(by_path.items()))


def _against_inferred_order(document: PathwayDocument, prereq: PathwayDocument) -> bool:
    # Equal ranks are ties stage 1 could not break: there the prerequisite decides.
    return (document.inferred_index is not None and prereq.inferred_index is not None
            and prereq.inferred_index > document.inferred_index)


def _find_cycle(requires: Mapping[str, set[str]]) -> list[str] | None:
    """Some cycle [n0, n1, …, nk] where each node requires the next and nk requires n0, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for start in sorted(requires):
        if start in state:
            continue
        state[start], path = 1, [start]
        stack = [iter(sorted(requires[start]))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                return path[path.index(child):]
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append(iter(sorted(requires[child])))
    return None


def _edge_strength(document: PathwayDocument, prereq: PathwayDocument) -> tuple:
    """Smaller is weaker: an edge that agrees with navigation, complexity and doc type is kept."""
    nav_doc, nav_prereq = document.navigation_index, prereq.navigation_index
    agrees_with_navigation = nav_doc is None or nav_prereq is None or nav_prereq <= nav_doc
    return (agrees_with_navigation,
            complexity_rank(prereq.complexity_level) <= complexity_rank(document.complexity_level),
            doc_type_rank(prereq) <= doc_type_rank(document), document.path, prereq.path)
