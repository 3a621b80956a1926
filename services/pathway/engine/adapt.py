"""Carrying a chosen pathway forward over a new analysis of the repository (a course refresh,
issue 18). Pure and deterministic; about linear in the documents (each new one looks only at the
modules it has ties to, and common concepts are passed over).

The pathway stays the one the user chose: it keeps its id, and every module that still holds a
document keeps its id, title, description, objectives and place. Documents no longer analysed
leave (a module left empty goes). Documents new since the pathway was planned join the module they
fit best — links, shared concepts, the same folder, with the reading-order neighbour as a bonus —
at the place the reading order and the prerequisites give them; a document fitting no module
starts a new module, worded as the engine words its modules, where the reading order puts it.
Documents that were analysed when the pathway was planned and that it left out (a fast track
skips the changelog) stay out: they are not new."""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Collection

from shared import linear_regex
from shared.events.catalogue import Pathway, PathwayModule

from .order.constraints import PrerequisiteGraph, documents_by_path
from .grouping import SLACK, ModuleStyle, build_modules
from .models import PathwayDocument
from .order.signals import peer_order
from .traits import folder
from .variants import BY_TOPIC, FAST_TRACK, FOUNDATIONS_FIRST, HANDS_ON, REFERENCE_DEEP_DIVE, Variant

# How much a module's tie to a new document weighs. A document named as related says most; a
# prerequisite (either way) less, as it says "after" rather than "together" (the order is kept by
# the prerequisites anyway); a shared concept or folder counts once per concept (or folder),
# however many of the module's documents share it, so a long module does not win by its length.
# The reading-order neighbour only breaks near-ties: on its own it says where, not what.
RELATED_WEIGHT, PREREQUISITE_WEIGHT, CONCEPT_WEIGHT, FOLDER_WEIGHT, NEIGHBOUR_WEIGHT = 4, 2, 2, 2, 1
# A concept or folder that this many modules hold says little about where a document belongs
# ("configuration" everywhere), and looking at every one of them for every new document would
# make placing quadratic: it is passed over, as a stopword is.
COMMON = 16
PATHS_NAMED = 5  # a note names this many documents, then counts the rest
_WHOLE = 10 ** 9  # minutes: a module style that never cuts its documents into several modules
# The engine's variants by key, for a pathway's practice time and module length; the focus variant
# is made per request with hands-on's settings. A pathway a model planned is measured as
# foundations-first's (the engine's default style).
_VARIANTS: dict[str, Variant] = {
    **{v.key: v for v in (FOUNDATIONS_FIRST, HANDS_ON, FAST_TRACK, REFERENCE_DEEP_DIVE, BY_TOPIC)},
    "focus": HANDS_ON}
# As the engine's pathway description says it; the number starts a word (`before` is kept).
_SIZE = linear_regex.compile(r"(?P<before>^|[^\w])\d+ modules?, about \d+ minutes\.")


@dataclass(frozen=True)
class Adapted:
    pathway: Pathway
    notes: list[str]  # what changed, for a person; empty when nothing did


@dataclass(frozen=True)
class TooMuchChanged:
    reason: str


def adapt_pathway(earlier: Pathway, documents: list[PathwayDocument],
                  analysed_before: Collection[str] | None = None,
                  target_minutes: int = 45) -> Adapted | TooMuchChanged:
    """`earlier` carried forward over `documents` (the analysis now). `analysed_before`: the paths
    analysed when `earlier` was planned; None when unknown, and then every analysed document
    outside the pathway counts as new. `target_minutes`: stage 3's module length (a new module's
    cap, as the engine's)."""
    by_path = documents_by_path(documents)
    in_pathway = list(dict.fromkeys(path for module in earlier.modules for path in module.documents))
    kept = [path for path in in_pathway if path in by_path]
    before, listed = set(analysed_before or ()), set(in_pathway)
    added = [path for path in by_path if path not in listed and path not in before]
    if (reason := too_much_changed(len(in_pathway), len(kept), len(added))) is not None:
        return TooMuchChanged(reason)
    variant = _VARIANTS.get(earlier.key, FOUNDATIONS_FIRST)
    style = ModuleStyle(target_minutes=_WHOLE, practice_ratio=variant.practice_ratio, topic=lambda d: "",
                        max_objectives=variant.max_objectives)
    modules, notes = _without_gone(earlier, by_path)
    if added:
        capacity = max(1, round(target_minutes * variant.module_factor)) * SLACK
        placer = _Placer(modules, by_path, style, capacity, earlier.pathway_id)
        for path in placer.graph.ordered(added, key=placer.order_key):  # a new prerequisite is placed first
            placer.place(path)
        modules = placer.modules
    if not notes and not added:
        return Adapted(earlier, [])
    final = _final_modules(modules, by_path, style)
    notes += _added_notes(modules, final)
    minutes = sum(module.estimated_minutes for module in final)
    size = f"{len(final)} module{'s' if len(final) != 1 else ''}, about {minutes} minutes."
    return Adapted(earlier.model_copy(update={
        "modules": final, "estimated_minutes": minutes,
        "description": _SIZE.sub(lambda match: match["before"] + size, earlier.description, count=1)}), notes)


def too_much_changed(listed: int, kept: int, added: int) -> str | None:
    """Why the pathway should be planned anew, or None. The pathway is worth keeping while most of
    it stands: not when more than half of its documents are gone (its modules no longer describe
    the documentation), nor when the new documents outnumber those it keeps (most of the course
    would then be placed by this module-fitting, not planned)."""
    gone = listed - kept
    if kept == 0:
        return f"none of its {listed} documents is analysed any more"
    if 2 * gone > listed:
        return f"{gone} of its {listed} documents are gone"
    if added > kept:
        return f"{added} new documents outnumber the {kept} it keeps"
    return None


@dataclass(eq=False)  # compared by identity: two modules may hold equal lists while being built
class _Module:
    module_id: str
    documents: list[str]
    earlier: PathwayModule | None = None  # None: a module this adaptation starts
    added: list[str] = field(default_factory=list)
    changed: bool = False


def _without_gone(earlier: Pathway, by_path: dict[str, PathwayDocument]) -> tuple[list[_Module], list[str]]:
    modules, notes = [], []
    for number, module in enumerate(earlier.modules, start=1):
        gone = [path for path in module.documents if path not in by_path]
        staying = [path for path in module.documents if path in by_path]
        where = f"module {number} '{module.title}'"
        if gone and not staying:
            notes.append(f"{where} removed: all its documents are gone ({_named(gone)})")
            continue
        if len(gone) == 1:
            notes.append(f"{gone[0]} removed from {where}")
        elif gone:
            notes.append(f"{len(gone)} documents removed from {where}: {_named(gone)}")
        modules.append(_Module(module.module_id, staying, module, changed=bool(gone)))
    return modules, notes


class _Placer:
    """Places new documents one at a time into the modules, keeping indexes of what each module
    holds (concepts, folders, documents) so each placement looks only at the modules it touches."""

    def __init__(self, modules: list[_Module], by_path: dict[str, PathwayDocument], style: ModuleStyle,
                 capacity: float, pathway_id: str) -> None:
        self.modules, self.by_path, self.style, self.capacity = modules, by_path, style, capacity
        self.graph = PrerequisiteGraph.build(by_path.values())
        reading = sorted(by_path, key=lambda path: peer_order(by_path[path]))
        self.rank = {path: i for i, path in enumerate(reading)}
        self.by_rank = reading
        self.dependents: dict[str, list[str]] = defaultdict(list)
        for path, prerequisites in self.graph.requires.items():
            for prerequisite in prerequisites:
                self.dependents[prerequisite].append(path)
        self.related_from: dict[str, set[str]] = defaultdict(set)  # path → documents naming it related
        self.required_by: dict[str, set[str]] = defaultdict(set)  # path → documents naming it a prerequisite
        for path, document in by_path.items():
            for target in document.related_documents:
                self.related_from[target].add(path)
            for target in document.prerequisites:
                self.required_by[target].add(path)
        self.module_of: dict[str, _Module] = {}
        self.concepts: dict[str, Counter[_Module]] = defaultdict(Counter)
        self.folders: dict[str, Counter[_Module]] = defaultdict(Counter)
        self.placed_ranks: list[int] = []
        self.minutes: dict[_Module, int] = {}  # of the modules this adaptation starts
        taken = {module.module_id for module in modules}
        self.fresh_ids = (f"{pathway_id}-n{k}" for k in range(1, 1 << 62) if f"{pathway_id}-n{k}" not in taken)
        for module in modules:
            for path in module.documents:
                self._record(path, module)
        self.keys = [Fraction(i) for i in range(len(modules))]
        self.key: dict[_Module, Fraction] = dict(zip(modules, self.keys))

    def order_key(self, path: str) -> tuple[int]:
        return (self.rank[path],)

    def place(self, path: str) -> None:
        document = self.by_path[path]
        before, after = self._placed_neighbours(self.rank[path])
        after_module = max((self.module_of[p] for p in self.graph.prerequisites_of(path) if p in self.module_of),
                           key=self.key.__getitem__, default=None)  # holds its last prerequisite
        before_module = min((self.module_of[d] for d in self.dependents[path] if d in self.module_of),
                            key=self.key.__getitem__, default=None)  # holds the first document needing it
        first = self.key[after_module] if after_module else self.keys[0]
        last = max(first, self.key[before_module] if before_module else self.keys[-1])  # prerequisites win
        anchor = self.key[self.module_of[before or after]] if before or after else last
        scores = self._affinity(document, before, after)
        fitting = [m for m, score in scores.items()  # only the modules it has ties to: no scan of all
                   if score > 0 and first <= self.key[m] <= last and self._has_room(m, document)]
        if fitting:
            module = max(fitting, key=lambda m: (scores[m], -abs(self.key[m] - anchor), -self.key[m]))
        else:
            module = self._new_module(before, after, after_module, before_module)
        self._insert(path, module)

    def _new_module(self, before: str | None, after: str | None, after_module: _Module | None,
                    before_module: _Module | None) -> _Module:
        """A module of its own, right after the module of its reading-order predecessor (else right
        before its successor's), kept after its prerequisites and before what needs it."""
        if before:
            at = self._gap_after(self.module_of[before])
        else:
            at = self._gap_before(self.module_of[after]) if after else self.keys[-1] + 1
        if after_module and at <= self.key[after_module]:
            at = self._gap_after(after_module)
        elif before_module and at >= self.key[before_module] and not (
                after_module and self.key[after_module] >= self.key[before_module]):
            at = self._gap_before(before_module)
        module = _Module(next(self.fresh_ids), [])
        i = bisect.bisect_left(self.keys, at)
        self.keys.insert(i, at)
        self.modules.insert(i, module)
        self.key[module] = at
        self.minutes[module] = 0
        return module

    # Modules are ordered by exact fractions, so a new one slots between two without renumbering
    # the others (renumbering on every new module would make placing quadratic).
    def _gap_after(self, module: _Module) -> Fraction:
        i = bisect.bisect_right(self.keys, self.key[module])
        return (self.key[module] + (self.keys[i] if i < len(self.keys) else self.key[module] + 2)) / 2

    def _gap_before(self, module: _Module) -> Fraction:
        i = bisect.bisect_left(self.keys, self.key[module])
        return ((self.keys[i - 1] if i > 0 else self.key[module] - 2) + self.key[module]) / 2

    def _affinity(self, document: PathwayDocument, before: str | None, after: str | None) -> Counter[_Module]:
        scores: Counter[_Module] = Counter()
        holding = [(self.concepts.get(key, {}), CONCEPT_WEIGHT) for key in sorted(document.concept_labels)]
        holding.append((self.folders.get(folder(document), {}), FOLDER_WEIGHT))
        for modules, weight in holding:
            if len(modules) <= COMMON:
                for module in modules:
                    scores[module] += weight
        for links, weight in (({*document.related_documents, *self.related_from[document.path]}, RELATED_WEIGHT),
                              ({*document.prerequisites, *self.required_by[document.path]}, PREREQUISITE_WEIGHT)):
            for linked in links:
                if linked in self.module_of:
                    scores[self.module_of[linked]] += weight
        if _in_reading_order(document):
            for neighbour in (before, after):
                if neighbour and _in_reading_order(self.by_path[neighbour]) and scores[self.module_of[neighbour]]:
                    scores[self.module_of[neighbour]] += NEIGHBOUR_WEIGHT
        return scores

    def _has_room(self, module: _Module, document: PathwayDocument) -> bool:
        # Only a module this adaptation starts is held to the engine's length: an existing one is
        # the user's, and a new document joining it is better than a module of its own.
        if module not in self.minutes:
            return True
        return self.minutes[module] + self.style.cost(document) <= self.capacity

    def _insert(self, path: str, module: _Module) -> None:
        members, rank = module.documents, self.rank[path]
        earlier = [i for i, p in enumerate(members) if self.rank[p] < rank]
        later = [i for i, p in enumerate(members) if self.rank[p] > rank]
        # Next to the member nearest in reading order: after the closest before it, else before
        # the closest after it; then after its prerequisites and before what requires it.
        at = (max(earlier, key=lambda i: self.rank[members[i]]) + 1 if earlier
              else min(later, key=lambda i: self.rank[members[i]]) if later else len(members))
        required = set(self.graph.prerequisites_of(path))
        lowest = max((i + 1 for i, p in enumerate(members) if p in required), default=0)
        needing = set(self.dependents[path])
        highest = min((i for i, p in enumerate(members) if p in needing), default=len(members))
        members.insert(max(lowest, min(at, highest)), path)
        module.added.append(path)
        module.changed = True
        if module in self.minutes:
            self.minutes[module] += self.style.cost(self.by_path[path])
        self._record(path, module)

    def _record(self, path: str, module: _Module) -> None:
        document = self.by_path[path]
        self.module_of[path] = module
        for key in document.concept_labels:
            self.concepts[key][module] += 1
        if place := folder(document):
            self.folders[place][module] += 1
        bisect.insort(self.placed_ranks, self.rank[path])

    def _placed_neighbours(self, rank: int) -> tuple[str | None, str | None]:
        """The placed documents just before and just after `rank` in reading order."""
        i = bisect.bisect_left(self.placed_ranks, rank)
        before = self.by_rank[self.placed_ranks[i - 1]] if i > 0 else None
        after = self.by_rank[self.placed_ranks[i]] if i < len(self.placed_ranks) else None
        return before, after


def _in_reading_order(document: PathwayDocument) -> bool:
    """Whether the authors' navigation or stage 1's inferred order places it (else its neighbours
    in reading order are merely alphabetical)."""
    return document.navigation_index is not None or document.inferred_index is not None


def _final_modules(modules: list[_Module], by_path: dict[str, PathwayDocument],
                   style: ModuleStyle) -> list[PathwayModule]:
    final: list[PathwayModule] = []
    titles = {m.earlier.title.casefold() for m in modules if m.earlier is not None}
    for module in modules:
        group = [by_path[path] for path in module.documents]
        if module.earlier is None:
            final.append(_new_module(module.module_id, group, style, titles))
        elif module.changed:
            final.append(module.earlier.model_copy(update={
                "documents": list(module.documents), "estimated_minutes": max(1, style.minutes(group))}))
        else:
            final.append(module.earlier)
    return final


def _new_module(module_id: str, group: list[PathwayDocument], style: ModuleStyle,
                titles: set[str]) -> PathwayModule:
    """Worded as the engine words a module (grouping.build_modules over its documents alone)."""
    planned = build_modules(group, style)[0]
    title, n = planned.title, 1
    while title.casefold() in titles:
        n += 1
        title = f"{planned.title[:190]} ({n})"
    titles.add(title.casefold())
    return PathwayModule(module_id=module_id, title=title, description=planned.description,
                         learning_objectives=planned.learning_objectives,
                         estimated_minutes=planned.estimated_minutes, documents=planned.documents,
                         complexity_level=planned.complexity_level)


def _added_notes(modules: list[_Module], final: list[PathwayModule]) -> list[str]:
    notes = []
    for number, (module, made) in enumerate(zip(modules, final), start=1):
        if not module.added:
            continue
        count = f"{len(module.added)} document{'s' if len(module.added) != 1 else ''}"
        if module.earlier is None:
            notes.append(f"new module {number} '{made.title}' for {count}: {_named(module.added)}")
        else:
            notes.append(f"{count} added to module {number} '{made.title}': {_named(module.added)}")
    return notes


def _named(paths: list[str]) -> str:
    named = ", ".join(paths[:PATHS_NAMED])
    return named if len(paths) <= PATHS_NAMED else f"{named} and {len(paths) - PATHS_NAMED} more"
