"""Stage 3's deterministic planner: several genuinely different learning pathways over the analysed
documents, each honouring every prerequisite, cut into modules of about `target_minutes`.

Determinism: every order is a total order (it ends with the path), nothing depends on the input
order or on hashing. additional_info only biases: see `variants` (hands-on puts matching documents
first among equals, fast track keeps them, and a "focus" pathway is offered when they are a subset)."""
from __future__ import annotations



from .corpus import Corpus
from .grouping import ModuleStyle, build_modules, dominant_level, list_titles
from .models import PathwayDocument, PathwayPlan, PlannedModule, PlannedPathway
from .order import arrange
from .variants import Variant, variants_for

MAX_ASSUMED_CONCEPTS = 8


def plan_pathways(documents: list[PathwayDocument], count: int = 3, additional_info: str = "",
                  overview: str | None = None, target_minutes: int = 45) -> PathwayPlan:
    """Up to `count` pathways, in the order foundations-first, hands-on, fast-track, [focus],
    reference-deep-dive, by-topic. A variant that would repeat an earlier pathway's modules exactly
    (small corpora) is passed over for the next one, so fewer than `count` may come back."""
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    if target_minutes < 1:
        raise ValueError(f"target_minutes must be at least 1, not {target_minutes}")
    if not documents:
        raise ValueError("there are no analysed documents to plan pathways from")
    corpus = Corpus.build(documents, overview, additional_info, target_minutes)
    pathways: list[PlannedPathway] = []
    shapes: set[tuple[tuple[str, ...], ...]] = set()
    for variant in variants_for(corpus, additional_info):
        pathway = build_pathway(variant, corpus)
        shape = tuple(tuple(module.documents) for module in pathway.modules) if pathway else None
        if pathway is not None and shape not in shapes:
            shapes.add(shape)
            pathways.append(pathway)
        if len(pathways) == count:
            break
    return PathwayPlan(pathways=pathways)


def build_pathway(variant: Variant, corpus: Corpus) -> PlannedPathway | None:
    kept = [path for path, document in corpus.documents.items()
            if path == corpus.overview or not variant.leaves_out(document, corpus)]
    paths = corpus.graph.closure(kept)  # whatever a kept document requires stays in
    if not paths:
        return None
    order = [corpus.documents[path] for path in arrange(variant, corpus, paths)]
    modules = build_modules(order, _module_style(variant, corpus))
    left_out = [document.title for path, document in corpus.documents.items() if path not in paths]
    return PlannedPathway(
        key=variant.key, title=variant.title, description=_description(variant, modules, left_out),
        audience=variant.audience, modules=modules, prerequisites=_assumed_concepts(order),
        complexity_level=dominant_level((m.complexity_level, m.estimated_minutes) for m in modules))


def _module_style(variant: Variant, corpus: Corpus) -> ModuleStyle:
    heading = (lambda group: variant.heading(group, corpus)) if variant.heading else None
    return ModuleStyle(target_minutes=max(1, round(corpus.target_minutes * variant.module_factor)),
                       practice_ratio=variant.practice_ratio, heading=heading,
                       topic=lambda document: variant.topic(document, corpus),
                       max_objectives=variant.max_objectives)


def _description(variant: Variant, modules: list[PlannedModule], left_out: list[str]) -> str:
    minutes = sum(module.estimated_minutes for module in modules)
    size = f"{len(modules)} module{'s' if len(modules) > 1 else ''}, about {minutes} minutes."
    skipped = f" Leaves out: {list_titles(left_out)}." if left_out else ""
    return f"{variant.approach} {size}{skipped}"[:2000]


def _assumed_concepts(order: list[PathwayDocument]) -> list[str]:
    """Prerequisite concepts that no document of the pathway teaches as a key concept (compared by
    concept key, as stage 2 compares them: "Virtual environments" is taught by "virtual environment")."""
    taught = set().union(*(document.taught_keys for document in order))
    assumed: dict[str, str] = {}
    for document in order:
        for key, concept in document.assumed_keys.items():
            if key not in taught:
                assumed.setdefault(key, concept)
    return list(assumed.values())[:MAX_ASSUMED_CONCEPTS]
