"""The last resort after an LLM's plan failed validation twice: fix, deterministically and without
inventing content, what can be fixed. Unknown and repeated documents are dropped, every missing
prerequisite is inserted just before the first document needing it, documents are reordered so
prerequisites come first (a document moves forward into the module of its latest prerequisite),
documents no pathway uses join the best-matching module of the first pathway, emptied modules and
pathways disappear, and repeated keys get a suffix. Whatever remains wrong, validation reports."""
from __future__ import annotations

from .order.constraints import PrerequisiteGraph, documents_by_path
from .models import PathwayDocument, PathwayPlan, PlannedModule, PlannedPathway
from .order.signals import peer_order
from .traits import band, folder

Placement = dict[str, tuple[tuple[int, int], int]]  # path → (sort key, module index)


def repair_order(plan: PathwayPlan, documents: list[PathwayDocument],
                 graph: PrerequisiteGraph | None = None) -> PathwayPlan:
    by_path = documents_by_path(documents)
    graph = graph or PrerequisiteGraph.build(by_path.values())
    placements = [_placed(_known_once(pathway, by_path), graph) for pathway in plan.pathways]
    _adopt_unused(plan, placements, by_path, graph)  # after the prerequisites: they may use some
    pathways = [_rebuilt(pathway, _in_order(placement, len(pathway.modules), graph), by_path)
                for pathway, placement in zip(plan.pathways, placements)]
    kept = [pathway for pathway in pathways if pathway is not None]
    if not kept:
        return plan.model_copy(deep=True)  # nothing usable: leave it for validation to report
    return PathwayPlan(pathways=_unique_keys(kept))


def _known_once(pathway: PlannedPathway, by_path: dict[str, PathwayDocument]) -> list[list[str]]:
    """Each module's known documents, those already seen earlier in the pathway removed."""
    seen: set[str] = set()
    contents = []
    for module in pathway.modules:
        kept = [p for p in dict.fromkeys(module.documents) if p in by_path and p not in seen]
        seen.update(kept)
        contents.append(kept)
    return contents


def _placed(modules: list[list[str]], graph: PrerequisiteGraph) -> Placement:
    placement: Placement = {path: ((position, 0), index) for position, (index, path) in
                            enumerate((i, p) for i, module in enumerate(modules) for p in module)}
    _insert_missing_prerequisites(placement, graph)
    return placement


def _adopt_unused(plan: PathwayPlan, placements: list[Placement], by_path: dict[str, PathwayDocument],
                  graph: PrerequisiteGraph) -> None:
    used = {path for placement in placements for path in placement}
    host = next((i for i, placement in enumerate(placements) if placement), None)
    if host is None:
        return
    placement = placements[host]
    module_count = len(plan.pathways[host].modules)
    members = [[p for p in placement if placement[p][1] == i] for i in range(module_count)]
    unused = sorted((by_path[p] for p in by_path if p not in used), key=peer_order)
    for extra, document in enumerate(unused, 1):
        best = max(range(len(members)), key=lambda i: (_affinity(document, members[i], by_path), i))
        last = max((placement[p][0][0] for p in members[best]), default=-1)
        placement[document.path] = ((last, extra), best)  # after the module's documents, before the next's
        members[best].append(document.path)
    _insert_missing_prerequisites(placement, graph)


def _affinity(document: PathwayDocument, module: list[str], by_path: dict[str, PathwayDocument]) -> tuple:
    """How well a document fits a module: links first, then shared concepts, folder, kind of reading."""
    members = [by_path[path] for path in module]
    concepts = document.concept_labels.keys()
    linked = sum(document.path in {*m.related_documents, *m.prerequisites}
                 or m.path in {*document.related_documents, *document.prerequisites} for m in members)
    shared = sum(len(concepts & m.concept_labels.keys()) for m in members)
    return (bool(members), linked, shared, sum(folder(m) == folder(document) for m in members),
            sum(band(m) == band(document) for m in members))


def _in_order(placement: Placement, module_count: int, graph: PrerequisiteGraph) -> list[list[str]]:
    result: list[list[str]] = [[] for _ in range(module_count)]
    module = 0
    for path in graph.ordered(placement, key=lambda p: placement[p][0]):
        module = max(module, placement[path][1])  # never back into an earlier module
        result[module].append(path)
    return result


def _insert_missing_prerequisites(placement: Placement, graph: PrerequisiteGraph) -> None:
    todo = list(placement)
    while todo:
        path = todo.pop(0)
        (position, depth), module = placement[path]
        for prereq in graph.prerequisites_of(path):
            if prereq not in placement:
                placement[prereq] = ((position, depth - 1), module)  # just before its dependant
                todo.append(prereq)


def _rebuilt(pathway: PlannedPathway, contents: list[list[str]],
             by_path: dict[str, PathwayDocument]) -> PlannedPathway | None:
    modules = [_with_documents(module, paths, by_path)
               for module, paths in zip(pathway.modules, contents) if paths]
    return pathway.model_copy(update={"modules": modules}) if modules else None


def _with_documents(module: PlannedModule, paths: list[str],
                    by_path: dict[str, PathwayDocument]) -> PlannedModule:
    """The module with its new documents; its time moves with the known documents that moved."""
    before = {p for p in module.documents if p in by_path}
    delta = sum(by_path[p].reading_minutes for p in paths if p not in before) \
        - sum(by_path[p].reading_minutes for p in before if p not in paths)
    minutes = max(1, module.estimated_minutes + delta)
    return module.model_copy(update={"documents": paths, "estimated_minutes": minutes})


def _unique_keys(pathways: list[PlannedPathway]) -> list[PlannedPathway]:
    taken: set[str] = set()
    unique = []
    for pathway in pathways:
        key, n = pathway.key, 1
        while key in taken:
            n += 1
            key = f"{pathway.key[:36]}-{n}"
        taken.add(key)
        unique.append(pathway if key == pathway.key else pathway.model_copy(update={"key": key}))
    return unique
