"""Checking a plan (from the engine or from an LLM) against the analysed documents. Problems are
sentences a person, or the LLM in a repair turn, can act on. Prerequisites are read from the same
acyclic graph the engine uses, so a cycle in the analyses never makes every order invalid."""
from __future__ import annotations

from collections import Counter

from .order.constraints import PrerequisiteGraph
from .models import PathwayDocument, PathwayPlan, PlannedPathway


def validate_plan(plan: PathwayPlan, documents: list[PathwayDocument],
                  graph: PrerequisiteGraph | None = None) -> list[str]:
    """Human-readable problems with the plan; empty when it is valid. `graph`: the documents'
    constraints, when the caller has them already (one plan checked, repaired and checked again)."""
    known = {document.path for document in documents}
    graph = graph or PrerequisiteGraph.build(documents)
    problems = _duplicate_keys(plan)
    for pathway in plan.pathways:
        problems += _pathway_problems(pathway, known, graph)
    used = {path for pathway in plan.pathways for module in pathway.modules for path in module.documents}
    problems += [f"{path} is used by no pathway" for path in sorted(known - used)]
    return problems


def _duplicate_keys(plan: PathwayPlan) -> list[str]:
    counts = Counter(pathway.key for pathway in plan.pathways)
    return [f"{count} pathways share the key '{key}'; keys must be unique"
            for key, count in counts.items() if count > 1]


def _pathway_problems(pathway: PlannedPathway, known: set[str], graph: PrerequisiteGraph) -> list[str]:
    problems, module_of = [], {}  # module_of: path → number of the module it first appears in
    for number, module in enumerate(pathway.modules, 1):
        where = f"module {number} '{module.title}' of pathway '{pathway.key}'"
        if not module.documents:
            problems.append(f"{where} has no documents")
        for path in module.documents:
            if path not in known:
                problems.append(f"{where} names {path}, which is not an analysed document")
            elif path in module_of:
                problems.append(f"pathway '{pathway.key}' lists {path} twice "
                                f"(modules {module_of[path]} and {number})")
            else:
                module_of[path] = number
    return problems + _order_problems(pathway.key, module_of, graph)


def _order_problems(key: str, module_of: dict[str, int], graph: PrerequisiteGraph) -> list[str]:
    position = {path: index for index, path in enumerate(module_of)}  # first appearances, in order
    problems = []
    for path in module_of:
        for prereq in graph.prerequisites_of(path):
            if prereq not in position:
                problems.append(f"pathway '{key}' uses {path} but not its prerequisite {prereq}")
            elif position[prereq] > position[path]:
                problems.append(f"in pathway '{key}', {path} (module {module_of[path]}) comes before "
                                f"its prerequisite {prereq} (module {module_of[prereq]})")
    return problems
