"""Stage 3's pathway engine and plan validation, on the documentation of a small message broker."""
from __future__ import annotations

import random
from typing import get_args

import pytest

from services.doc_analyser.engine.models import Complexity, DocType

from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.order.constraints import PrerequisiteGraph
from services.pathway.engine.models import PathwayDocument, PathwayPlan, PlannedModule, PlannedPathway
from services.pathway.engine.repair import repair_order
from services.pathway.engine.validation import validate_plan

TARGET = 45


def doc(path, title, doc_type, level, minutes, nav, requires=(), concepts=(), **more) -> PathwayDocument:
    return PathwayDocument(
        path=path, title=title, doc_type=doc_type, complexity_level=level, reading_minutes=minutes,
        navigation_index=nav, prerequisites=list(requires), key_concepts=list(concepts),
        learning_objectives=[f"Use {title.lower()}"], word_count=minutes * 220,
        summary=f"{title} for the broker. More detail follows.", **more)


ARCH = "docs/concepts/architecture.md"
INSTALL = "docs/installation.md"
CORPUS = [
    doc("README.md", "Broker overview", "overview", "beginner", 4, 0, concepts=["broker"]),
    doc(INSTALL, "Installation", "how-to", "beginner", 6, 1, concepts=["installation"]),
    doc("docs/tutorial/first-app.md", "Your first app", "tutorial", "beginner", 20, 2,
        requires=[INSTALL, ARCH], concepts=["producer", "consumer"]),
    doc(ARCH, "Architecture", "concept", "intermediate", 12, 3, concepts=["broker", "topic", "partition"]),
    # The analyses contradict each other: topics and partitions each claim the other comes first.
    doc("docs/concepts/topics.md", "Topics", "concept", "intermediate", 8, 4,
        requires=["docs/concepts/partitions.md"], concepts=["topic"]),
    doc("docs/concepts/partitions.md", "Partitions", "concept", "intermediate", 10, 5,
        requires=["docs/concepts/topics.md", ARCH], concepts=["partition", "topic"]),
    doc("docs/guides/configuration.md", "Configuration", "guide", "intermediate", 10, 6, requires=[ARCH],
        concepts=["configuration"]),
    doc("docs/guides/deployment.md", "Deployment", "guide", "advanced", 15, 7,
        requires=[ARCH, "docs/guides/configuration.md"], concepts=["deployment", "kubernetes"],
        prerequisite_concepts=["Docker", "topic"]),
    doc("docs/guides/monitoring.md", "Monitoring", "guide", "intermediate", 8, 8, requires=[ARCH],
        concepts=["metrics"]),
    doc("docs/reference/api.md", "API reference", "api", "advanced", 25, 9, requires=[ARCH],
        concepts=["api"]),
    doc("docs/troubleshooting.md", "Troubleshooting", "troubleshooting", "intermediate", 6, 10,
        requires=[INSTALL], concepts=["errors"]),
    doc("CHANGELOG.md", "Changelog", "changelog", "intermediate", 5, 11, concepts=["releases"]),
    doc("CONTRIBUTING.md", "Contributing", "contributing", "intermediate", 5, None, requires=[INSTALL]),
]
PATHS = {d.path for d in CORPUS}


def plan(**options) -> PathwayPlan:
    return plan_pathways(CORPUS, **{"overview": "README.md", "target_minutes": TARGET, **options})


def prerequisites_hold(pathway: PlannedPathway, documents=CORPUS) -> bool:
    graph = PrerequisiteGraph.build(documents)
    order = pathway.document_paths()
    return all(order.index(p) < order.index(path) for path in order for p in graph.prerequisites_of(path))


def test_every_pathway_is_valid_honours_prerequisites_and_foundations_covers_everything():
    result = plan()
    assert [p.key for p in result.pathways] == ["foundations-first", "hands-on", "fast-track"]
    assert validate_plan(result, CORPUS) == []
    for pathway in result.pathways:
        assert prerequisites_hold(pathway), pathway.key
        assert len(pathway.document_paths()) == len(set(pathway.document_paths()))
    foundations = result.pathways[0]
    assert set(foundations.document_paths()) == PATHS
    assert foundations.modules[0].documents[0] == "README.md"  # the overview opens it
    assert foundations.modules[0].title.startswith("Getting started")
    assert foundations.prerequisites == ["Docker"]  # assumed, and unlike "topic" taught by no document


def test_the_three_pathways_really_differ():
    foundations, hands_on, fast = plan().pathways
    orders = {tuple(p.document_paths()) for p in (foundations, hands_on, fast)}
    assert len(orders) == 3
    assert len(fast.modules) < len(foundations.modules)
    assert fast.total_minutes() < foundations.total_minutes()
    assert {"CHANGELOG.md", "CONTRIBUTING.md", "docs/reference/api.md"}.isdisjoint(fast.document_paths())
    assert "Leaves out" in fast.description and "Leaves out" not in foundations.description
    # hands-on: the tutorial right after the concept it needs, long before the other concepts
    hands = hands_on.document_paths()
    assert hands.index(ARCH) == hands.index("docs/tutorial/first-app.md") - 1
    assert hands.index("docs/tutorial/first-app.md") < hands.index("docs/concepts/topics.md")
    # foundations: the authors' navigation, a page's prerequisites before it (the architecture the
    # tutorial needs), project notes last; a guessed kind of reading ("concept") does not reorder it
    listed = [d.path for d in sorted(CORPUS, key=lambda d: (d.navigation_index is None, d.navigation_index or 0))]
    assert foundations.document_paths() == [*listed[:2], ARCH, listed[2], *listed[4:11], "CHANGELOG.md",
                                            "CONTRIBUTING.md"]


def test_modules_stay_near_the_target_time():
    for pathway in plan().pathways:
        for module in pathway.modules:
            assert module.estimated_minutes <= 2 * TARGET or len(module.documents) == 1
        assert pathway.total_minutes() / len(pathway.modules) >= TARGET / 2
    book = doc("docs/guides/book.md", "The whole book", "guide", "advanced", 150, 12, requires=[ARCH])
    foundations = plan_pathways(CORPUS + [book], target_minutes=TARGET).pathways[0]
    assert any(module.documents == [book.path] for module in foundations.modules)


def test_modules_carry_objectives_minutes_and_complexity_from_their_documents():
    module = plan().pathways[0].modules[0]
    assert module.learning_objectives[0] == "Use broker overview" and len(module.learning_objectives) <= 6
    first = {d.path: d for d in CORPUS}
    assert module.estimated_minutes >= sum(first[p].reading_minutes for p in module.documents)
    hands_on = plan().pathways[1]
    tutorial = next(m for m in hands_on.modules if "docs/tutorial/first-app.md" in m.documents)
    assert tutorial.estimated_minutes > sum(first[p].reading_minutes for p in tutorial.documents)  # practice


def test_planning_is_deterministic_and_ignores_input_order():
    assert plan() == plan()
    assert plan_pathways(list(reversed(CORPUS)), overview="README.md", target_minutes=TARGET) == plan()


def test_a_prerequisite_cycle_is_broken_against_the_navigation_order_and_never_crashes():
    graph = PrerequisiteGraph.build(CORPUS)
    assert graph.dropped == (("docs/concepts/topics.md", "docs/concepts/partitions.md"),)
    assert "docs/concepts/topics.md" in graph.prerequisites_of("docs/concepts/partitions.md")
    ring = [doc(f"d{i}.md", f"D{i}", "guide", "beginner", 5, None, requires=[f"d{(i + 1) % 4}.md"])
            for i in range(4)]
    assert validate_plan(plan_pathways(ring), ring) == []


def test_one_and_five_pathways():
    assert [p.key for p in plan(count=1).pathways] == ["foundations-first"]
    five = plan(count=5)
    # By topic orders this corpus as foundations-first does (its prerequisites leave no other
    # order), so it is passed over: four different pathways.
    assert [p.key for p in five.pathways] == ["foundations-first", "hands-on", "fast-track",
                                              "reference-deep-dive"]
    assert validate_plan(five, CORPUS) == []
    reference = five.pathways[3].document_paths()
    assert reference.index("docs/reference/api.md") < reference.index("docs/guides/configuration.md")
    with pytest.raises(ValueError):
        plan(count=0)
    only = [doc("README.md", "Readme", "overview", "beginner", 3, None)]
    single = plan_pathways(only, overview="README.md")  # every variant would repeat the first
    assert len(single.pathways) == 1 and single.pathways[0].modules[0].documents == ["README.md"]


def test_a_focus_moves_matching_documents_earlier_among_their_peers_and_adds_a_focus_pathway():
    unfocused = plan().pathways[1].document_paths()
    assert unfocused.index("docs/guides/configuration.md") < unfocused.index("docs/guides/monitoring.md")
    focused = plan(additional_info="metrics and monitoring").pathways[1].document_paths()
    assert focused.index("docs/guides/monitoring.md") < focused.index("docs/guides/configuration.md")
    # … but only among peers: the tasks still come first in the hands-on pathway
    assert focused.index("docs/tutorial/first-app.md") < focused.index("docs/guides/monitoring.md")
    focused = plan(count=4, additional_info="We mostly care about deployment on Kubernetes")
    focus = focused.pathways[3]
    assert focus.key == "focus" and focus.title == "Focus: deployment and kubernetes"
    assert set(focus.document_paths()) == {"README.md", ARCH, "docs/guides/configuration.md",
                                           "docs/guides/deployment.md"}
    assert validate_plan(focused, CORPUS) == []


def module(title, *paths) -> PlannedModule:
    return PlannedModule(title=title, documents=list(paths), estimated_minutes=10,
                         complexity_level="beginner")


def llm_plan() -> PathwayPlan:
    everything_but_changelog = sorted(PATHS - {"CHANGELOG.md"})
    return PathwayPlan(pathways=[
        PlannedPathway(key="Deep Dive", title="Deep dive", complexity_level="advanced", modules=[
            module("Start", "README.md", INSTALL, "docs/concepts/topics.md"),
            module("Everything else", *[p for p in everything_but_changelog if p not in
                                        {"README.md", INSTALL, "docs/concepts/topics.md"}])]),
        PlannedPathway(key="fast-track", title="Quick", complexity_level="beginner", modules=[
            module("Guides", "docs/guides/monitoring.md", ARCH),
            module("Extras", "docs/nope.md")])])


def test_validation_names_unknown_misordered_and_unused_documents():
    problems = validate_plan(llm_plan(), CORPUS)
    assert ("module 2 'Extras' of pathway 'fast-track' names docs/nope.md, "
            "which is not an analysed document") in problems
    assert ("in pathway 'fast-track', docs/guides/monitoring.md (module 1) comes before its prerequisite "
            f"{ARCH} (module 1)") in problems
    assert "CHANGELOG.md is used by no pathway" in problems
    assert not [p for p in problems if "'deep-dive'" in p]  # topics before partitions: the cut cycle edge
    assert len(problems) == 3


def test_validation_reports_repeats_empty_modules_and_shared_keys():
    bad = llm_plan()
    bad.pathways[1].key = "deep-dive"
    bad.pathways[1].modules[0].documents.append("docs/guides/monitoring.md")
    bad.pathways[1].modules[1].documents.clear()
    problems = validate_plan(bad, CORPUS)
    assert "2 pathways share the key 'deep-dive'; keys must be unique" in problems
    assert "pathway 'deep-dive' lists docs/guides/monitoring.md twice (modules 1 and 1)" in problems
    assert "module 2 'Extras' of pathway 'deep-dive' has no documents" in problems


def test_repair_fixes_what_validation_found():
    bad = llm_plan()
    bad.pathways[1].key = "deep-dive"
    repaired = repair_order(bad, CORPUS)
    assert validate_plan(repaired, CORPUS) == []
    assert [p.key for p in repaired.pathways] == ["deep-dive", "deep-dive-2"]
    quick = repaired.pathways[1]
    assert [m.title for m in quick.modules] == ["Guides"]  # the module of an unknown doc is gone
    assert quick.modules[0].documents == [ARCH, "docs/guides/monitoring.md"]
    assert "CHANGELOG.md" in repaired.pathways[0].document_paths()
    assert repair_order(bad, CORPUS) == repaired


def test_repair_inserts_a_missing_prerequisite_before_its_first_user():
    partial = PathwayPlan(pathways=[PlannedPathway(key="k", title="K", complexity_level="beginner", modules=[
        module("One", "README.md"), module("Two", "docs/guides/deployment.md"),
        module("Rest", *sorted(PATHS - {"README.md", "docs/guides/deployment.md", ARCH,
                                        "docs/guides/configuration.md"}))])])
    repaired = repair_order(partial, CORPUS)
    assert validate_plan(repaired, CORPUS) == []
    assert repaired.pathways[0].modules[1].documents == [ARCH, "docs/guides/configuration.md",
                                                         "docs/guides/deployment.md"]


@pytest.mark.parametrize("seed", range(25))
def test_random_corpora_plan_validly_and_scrambled_plans_repair(seed):
    rng = random.Random(seed)
    names = [f"docs/{rng.choice('ab')}/d{i}.md" for i in range(rng.randint(1, 25))]
    docs = [doc(name, f"Doc {i}", rng.choice(get_args(DocType)), rng.choice(get_args(Complexity)),
                rng.choice([1, 5, 20, 120]), rng.choice([None, i, 0]),
                requires=rng.sample(names, min(2, len(names))))
            for i, name in enumerate(names)]  # cycles and self-references included
    result = plan_pathways(docs, count=6, overview=names[0], target_minutes=rng.choice([10, 45]))
    assert validate_plan(result, docs) == []
    scrambled = result.model_copy(deep=True)
    for pathway in scrambled.pathways:
        for module in pathway.modules:
            rng.shuffle(module.documents)
        pathway.modules.reverse()
    scrambled.pathways[-1].modules[0].documents.append("ghost.md")
    del scrambled.pathways[0].modules[1:2]  # its documents may now be used by no pathway
    assert validate_plan(repair_order(scrambled, docs), docs) == []


def test_a_pathway_that_does_not_follow_the_navigation_does_not_put_unlisted_pages_first():
    # Fast track keeps the navigation's order: a page the navigation does not list comes after the
    # listed ones, not before them (so in every variant that ranks all pages alike).
    monitoring = "docs/guides/monitoring.md"
    corpus = [d.model_copy(update={"navigation_index": None, "inferred_index": 0}) if d.path == monitoring else d
              for d in CORPUS]
    fast = next(p for p in plan_pathways(corpus, count=5, overview="README.md", target_minutes=TARGET).pathways
                if p.key == "fast-track")
    order = fast.document_paths()
    assert order.index(monitoring) > order.index("docs/guides/deployment.md"), order


def test_a_documents_concept_keys_are_derived_once_and_again_for_a_changed_copy():
    # Derived once per document (a plan consults them in every variant); a copy with other words
    # derives its own, never the original's.
    original = PathwayDocument(path="docs/a.md", title="Brokers", doc_type="guide", complexity_level="beginner",
                               key_concepts=["Message brokers"], prerequisite_concepts=["Queues"],
                               summary="How a broker keeps queues.")
    assert original.taught_keys is original.taught_keys and original.taught_keys == {"message broker"}
    assert {"broker", "queue"} <= original.used_keys and dict(original.assumed_keys) == {"queue": "Queues"}
    changed = original.model_copy(update={"key_concepts": ["Topics"], "prerequisite_concepts": []})
    assert changed.taught_keys == {"topic"} and "topic" in changed.used_keys and not changed.assumed_keys
    assert dict(changed.concept_labels) == {"topic": "Topics"} and original.taught_keys == {"message broker"}
