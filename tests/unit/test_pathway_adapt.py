"""Carrying a chosen pathway forward when the repository changed (issue 18): the pure adaptation
(services/pathway/engine/adapt.py) over the engine's own pathways of a small web framework's
documentation, and stage 3's handler over in-memory stores answering a refresh's request
(adapt_pathway_id) without asking the model, or planning anew when too much changed."""
from __future__ import annotations

import random
import uuid

import pytest

from services.pathway.engine.adapt import Adapted, TooMuchChanged, adapt_pathway
from services.pathway.engine.order.constraints import PrerequisiteGraph
from services.pathway.engine.models import PathwayDocument
from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, DocAnalysed, DocsAnalysed, DocsAnalysisRequested, FoldersSelected, Pathway, PathwayModule,
    PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageProgressed,
    StageStarted,
)
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryEventStore
from tests.support.llm_fixtures import TEST_API_KEY, llm_server  # noqa: F401
from tests.support.refresh_documents import (
    PAGES, PLUGINS, ROUTE_PARAMETERS, ROUTING, TARGET_MINUTES, Page, analyses, analysed, changed,
    discovered_files, inserted_after, pathway, without,
)

KNOWN = [page.path for page in PAGES]  # what was analysed when the pathways were planned
PATTERNS = "docs/routing/patterns.md"
MIDDLEWARE = "docs/routing/middleware.md"
INHERITANCE = "docs/templates/inheritance.md"
DEPLOYMENT = ["docs/deployment/docker.md", "docs/deployment/kubernetes.md"]
KEYS = ["foundations-first", "hands-on", "fast-track", "reference-deep-dive", "by-topic"]
RECIPES = [Page(f"docs/cookbook/recipe-{name}.md", f"Recipe: {name}", "example", "intermediate", 5,
                (f"{name} recipe",)) for name in ("caching", "sessions", "uploads", "websockets", "i18n",
                                                   "feeds", "search", "payments")]


def adapt(earlier: Pathway, pages: list[Page], before=KNOWN) -> Adapted | TooMuchChanged:
    return adapt_pathway(earlier, analysed(pages), before, TARGET_MINUTES)


def adapted(earlier: Pathway, pages: list[Page], before=KNOWN) -> Adapted:
    result = adapt(earlier, pages, before)
    assert isinstance(result, Adapted), result
    return result


def module_with(pathway: Pathway, path: str) -> tuple[int, PathwayModule]:
    return next((n, m) for n, m in enumerate(pathway.modules, start=1) if path in m.documents)


def order(pathway: Pathway) -> list[str]:
    return [path for module in pathway.modules for path in module.documents]


def prerequisites_hold(pathway: Pathway, documents: list[PathwayDocument]) -> bool:
    graph, at = PrerequisiteGraph.build(documents), {path: i for i, path in enumerate(order(pathway))}
    return all(at[p] < at[path] for path in at for p in graph.prerequisites_of(path) if p in at)


def ids(pathway: Pathway) -> list[str]:
    return [module.module_id for module in pathway.modules]


# --- the adaptation ----------------------------------------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_an_unchanged_documentation_keeps_the_pathway_exactly(key):
    earlier = pathway(key)
    assert adapt(earlier, PAGES) == Adapted(earlier, [])
    # A document whose content changed is still where it was: rewriting it is stage 4's business.
    rewritten = changed(PATTERNS, minutes=14, concepts=("route pattern", "regular expression"))
    assert adapt(earlier, rewritten) == Adapted(earlier, [])


def test_a_removed_document_leaves_its_module_which_keeps_its_id_and_wording():
    earlier = pathway("foundations-first")
    number, module = module_with(earlier, MIDDLEWARE)
    result = adapted(earlier, without(MIDDLEWARE))
    after = result.pathway
    assert (after.pathway_id, ids(after)) == (earlier.pathway_id, ids(earlier))
    shrunk = after.modules[number - 1]
    assert shrunk.documents == [path for path in module.documents if path != MIDDLEWARE]
    assert shrunk.model_dump(exclude={"documents", "estimated_minutes"}) == \
        module.model_dump(exclude={"documents", "estimated_minutes"})
    assert shrunk.estimated_minutes == module.estimated_minutes - 10  # the guide's reading time, gone
    assert [m for m in after.modules if m is not shrunk] == [m for m in earlier.modules if m is not module]
    assert after.estimated_minutes == sum(m.estimated_minutes for m in after.modules) == earlier.estimated_minutes - 10
    assert f"{len(after.modules)} modules, about {after.estimated_minutes} minutes." in after.description
    assert result.notes == [f"{MIDDLEWARE} removed from module {number} '{module.title}'"]


@pytest.mark.parametrize("key", KEYS)
def test_a_new_document_joins_the_module_of_its_topic_next_to_its_neighbour(key):
    earlier = pathway(key)
    number, module = module_with(earlier, PATTERNS)
    pages = inserted_after(PATTERNS, ROUTE_PARAMETERS)  # the navigation lists it after the patterns
    result = adapted(earlier, pages)
    assert ids(result.pathway) == ids(earlier)
    grown = result.pathway.modules[number - 1]
    expected = list(module.documents)
    expected.insert(expected.index(PATTERNS) + 1, ROUTE_PARAMETERS.path)
    assert grown.documents == expected
    assert (grown.title, grown.description, grown.learning_objectives) == \
        (module.title, module.description, module.learning_objectives)
    assert grown.estimated_minutes == module.estimated_minutes + 6
    assert result.notes == [f"1 document added to module {number} '{module.title}': {ROUTE_PARAMETERS.path}"]
    assert prerequisites_hold(result.pathway, analysed(pages))


def test_documents_fitting_no_module_start_a_new_one_where_the_reading_order_puts_them():
    earlier = pathway("foundations-first")
    number, _ = module_with(earlier, INHERITANCE)
    result = adapted(earlier, inserted_after(INHERITANCE, *PLUGINS))
    assert ids(result.pathway) == ids(earlier)[:number] + [f"{earlier.pathway_id}-n1"] + ids(earlier)[number:]
    new = result.pathway.modules[number]
    # Worded and timed as the engine words a module: a how-to counts half its reading as practice.
    assert new.model_dump() == {
        "module_id": f"{earlier.pathway_id}-n1", "title": "Plugins: Writing a plugin and Publishing a plugin", "complexity_level": "advanced",
        "documents": [p.path for p in PLUGINS], "estimated_minutes": (9 + 5) + (6 + 3),
        "learning_objectives": ["Use writing a plugin", "Use publishing a plugin"],
        "description": "Covers plugin in 2 documents, about 23 minutes, including time to try the steps. "
                       "Writing a plugin in Skyline.",
        "placements": []}  # explained when the stage announces it (handlers.with_placements)
    assert result.notes == [f"new module {number + 1} 'Plugins: Writing a plugin and Publishing a plugin' for 2 documents: "
                            "docs/plugins/writing.md, docs/plugins/publishing.md"]
    assert result.pathway.estimated_minutes == earlier.estimated_minutes + 23


def test_a_new_module_id_never_collides_with_the_pathways_own():
    earlier = pathway("foundations-first")
    taken = f"{earlier.pathway_id}-n1"
    earlier = earlier.model_copy(update={"modules": [
        m.model_copy(update={"module_id": taken}) if n == 2 else m for n, m in enumerate(earlier.modules, 1)]})
    result = adapted(earlier, inserted_after(INHERITANCE, *PLUGINS))
    assert f"{earlier.pathway_id}-n2" in ids(result.pathway)
    assert len(set(ids(result.pathway))) == len(result.pathway.modules)


def test_a_module_whose_documents_are_all_gone_is_removed():
    earlier = pathway("foundations-first")
    number, module = module_with(earlier, DEPLOYMENT[0])
    assert module.documents == DEPLOYMENT
    result = adapted(earlier, without(*DEPLOYMENT))
    assert ids(result.pathway) == [i for i in ids(earlier) if i != module.module_id]
    assert result.notes == [f"module {number} 'Deployment: Deploying with Docker and Deploying on Kubernetes' removed: all its documents are gone "
                            f"({', '.join(DEPLOYMENT)})"]
    assert f"{len(earlier.modules) - 1} modules, about" in result.pathway.description


def test_prerequisites_decide_over_the_reading_order():
    # A new routing basics page the navigation lists last, which the patterns now require; and a
    # new tutorial listed early that requires the Kubernetes how-to.
    basics = Page("docs/routing/basics.md", "Routing basics", "concept", "beginner", 5, ("routing", "route"))
    tutorial = Page("docs/tutorial/ship-it.md", "Ship your app", "tutorial", "intermediate", 12,
                    ("deployment",), ("docs/tutorial/first-app.md", DEPLOYMENT[1]))
    pages = inserted_after("docs/tutorial/first-app.md", tutorial,
                           pages=changed(PATTERNS, requires=(ROUTING, basics.path))) + [basics]
    for key in KEYS:
        earlier = pathway(key)
        result = adapted(earlier, pages)
        now = order(result.pathway)
        assert now.index(basics.path) < now.index(PATTERNS), key
        assert now.index(tutorial.path) > now.index(DEPLOYMENT[1]), key
        assert prerequisites_hold(result.pathway, analysed(pages)), key
        assert ids(earlier) == [i for i in ids(result.pathway) if i in ids(earlier)], key


def test_documents_the_pathway_left_out_stay_out():
    hands_on = pathway("hands-on")
    assert "CHANGELOG.md" not in order(hands_on)  # hands-on leaves project notes out
    assert adapt(hands_on, PAGES) == Adapted(hands_on, [])
    # Without knowing what was analysed back then, every document outside the pathway is new.
    unknown = adapted(hands_on, PAGES, before=None)
    assert "CHANGELOG.md" in order(unknown.pathway)
    assert any("CHANGELOG.md" in note for note in unknown.notes)


def test_too_much_changed_when_most_documents_are_gone_or_the_new_ones_outnumber_the_rest():
    earlier = pathway("foundations-first")
    listed = order(earlier)
    assert len(listed) == 14
    assert adapt(earlier, without(*listed[:8])) == TooMuchChanged("8 of its 14 documents are gone")
    assert isinstance(adapt(earlier, without(*listed[:7])), Adapted)  # half gone: still kept
    assert adapt(earlier, without(*listed[:7]) + RECIPES) == \
        TooMuchChanged("8 new documents outnumber the 7 it keeps")
    assert isinstance(adapt(earlier, without(*listed[:7]) + RECIPES[:7]), Adapted)
    assert adapt(earlier, RECIPES[:1]) == TooMuchChanged("none of its 14 documents is analysed any more")


def test_adapting_is_deterministic_whatever_the_order_of_the_documents():
    earlier = pathway("by-topic")
    pages = inserted_after(INHERITANCE, *PLUGINS, pages=inserted_after(
        PATTERNS, ROUTE_PARAMETERS, pages=without(MIDDLEWARE, *DEPLOYMENT))) + RECIPES[:4]
    documents = analysed(pages)
    first = adapt_pathway(earlier, documents, KNOWN, TARGET_MINUTES)
    assert isinstance(first, Adapted) and len(first.notes) >= 4
    rng = random.Random(18)
    for _ in range(5):
        shuffled = rng.sample(documents, len(documents))
        assert adapt_pathway(earlier, shuffled, set(rng.sample(KNOWN, len(KNOWN))), TARGET_MINUTES) == first


def test_a_large_documentation_places_every_new_document_once():
    """Thousands of documents in sixty folders, a third of them new (some in new folders, with
    concepts no module holds): every document once, the kept modules in their order, the
    prerequisites honoured. Not timed: the suite finishing quickly is the demonstration."""
    def document(i: int) -> PathwayDocument:
        area = f"area{i // 50}"
        return PathwayDocument(
            path=f"docs/{area}/page-{i:05d}.md", title=f"Page {i}", doc_type="guide", complexity_level="beginner",
            key_concepts=[f"{area} basics", "configuration"], reading_minutes=3 + i % 7, navigation_index=i,
            prerequisites=[f"docs/{area}/page-{i - 1:05d}.md"] if i % 50 else [],
            related_documents=[f"docs/{area}/page-{i + 2:05d}.md"])
    documents = [document(i) for i in range(3000)]
    kept = [d.path for d in documents if d.navigation_index % 3 and d.navigation_index < 2400]
    earlier = Pathway(pathway_id="big", title="Big", key="foundations-first", modules=[
        PathwayModule(module_id=f"big-{k:03d}", title=f"Part {k}", estimated_minutes=40,
                      documents=kept[k * 8:(k + 1) * 8]) for k in range((len(kept) + 7) // 8)])
    result = adapt_pathway(earlier, documents, kept, TARGET_MINUTES)
    assert isinstance(result, Adapted)
    assert sorted(order(result.pathway)) == sorted(d.path for d in documents)
    assert [i for i in ids(result.pathway) if not i.startswith("big-n")] == ids(earlier)
    started = [m for m in result.pathway.modules if m.module_id.startswith("big-n")]
    assert {folder for m in started for folder in {path.split("/")[1] for path in m.documents}} == \
        {f"area{n}" for n in range(48, 60)}  # the new folders' own modules, and only theirs
    assert all(m.estimated_minutes <= TARGET_MINUTES * 1.25 for m in started)
    assert len(set(ids(result.pathway))) == len(result.pathway.modules)
    assert prerequisites_hold(result.pathway, documents)


# --- stage 3 answering a refresh ---------------------------------------------------------------

class RefreshedCourse:
    """One course's log in memory: commits of the documentation (stage 1 and 2 as recorded) and
    stage 3's handler run over it with the settings a test gives."""

    def __init__(self) -> None:
        self.id, self.events = f"c{uuid.uuid4().hex[:12]}", MemoryEventStore()
        self.emitter = StageEmitter(self.events, "pathway", "stage3")

    async def add(self, cls: type[Event], actor: str = "alice", **payload) -> Event:
        event = cls(course_id=self.id, actor=actor, payload=payload)
        await self.events.publish(event)
        return event

    async def commit(self, pages: list[Page]) -> str:
        """The documentation at a new commit, scanned and analysed; the analysis run's id."""
        scan, analysis = uuid.uuid4().hex, uuid.uuid4().hex
        await self.add(RepoCloneRequested, task_id=scan, repo_url="https://example.org/skyline.git")
        await self.add(RepoFilesDiscovered, "repo_clone", task_id=scan, chunk_index=0, chunk_count=1,
                       files=discovered_files(pages))
        await self.add(RepoCloned, "repo_clone", task_id=scan, repo_url="https://example.org/skyline.git",
                       repo_name="skyline", commit_sha=uuid.uuid4().hex + "0" * 8, file_count=len(pages),
                       documentation_count=len(pages), chunk_count=1, snapshot_ref=f"snapshots/{scan}")
        await self.add(FoldersSelected, selected_folders=["."], overview_document="README.md")
        await self.add(DocsAnalysisRequested, task_id=analysis, complexity_level="beginner", clone_task_id=scan)
        for payload in analyses(pages, analysis):
            await self.add(DocAnalysed, "doc_analyser", **payload)
        await self.add(DocsAnalysed, "doc_analyser", task_id=analysis, document_count=len(pages))
        return analysis

    async def plan(self, settings: PathwaySettings, analysis: str, **more) -> tuple[Event, list[Event]]:
        request = await self.add(PathwaysRequested, task_id=uuid.uuid4().hex, analysis_task_id=analysis, **more)
        await pathway_stage(self.emitter, settings).handle(request)
        return request, self.events.caused_by(request)


OFFLINE = PathwaySettings(llm_provider="offline", module_target_minutes=TARGET_MINUTES)


def with_model(server) -> PathwaySettings:
    return PathwaySettings(llm_provider="anthropic", anthropic_api_key=TEST_API_KEY, anthropic_base_url=server.url,
                           anthropic_model="claude-test-model", llm_max_retries=0,
                           module_target_minutes=TARGET_MINUTES)


def generated(events: list[Event]) -> PathwaysGenerated:
    assert [type(e) for e in events][-1] is PathwaysGenerated, [e.event_type for e in events]
    return events[-1]


async def chosen_course() -> tuple[RefreshedCourse, Pathway]:
    course = RefreshedCourse()
    await course.add(CourseCreated, owner_id="alice", title="Skyline course", description="")
    _, events = await course.plan(OFFLINE, await course.commit(PAGES), pathway_count=3)
    chosen = next(p for p in generated(events).payload.pathways if p.key == "foundations-first")
    return course, chosen


async def test_a_refresh_carries_the_chosen_pathway_forward_without_asking_the_model(llm_server):
    course, chosen = await chosen_course()
    analysis = await course.commit(inserted_after(PATTERNS, ROUTE_PARAMETERS, pages=without(MIDDLEWARE)))
    _, events = await course.plan(with_model(llm_server), analysis, adapt_pathway_id=chosen.pathway_id)
    assert [type(e) for e in events] == [StageStarted, StageProgressed, PathwaysGenerated]
    assert llm_server.requests == []
    result = generated(events).payload
    assert [p.pathway_id for p in result.pathways] == [chosen.pathway_id]
    carried = result.pathways[0]
    assert ids(carried) == ids(chosen)
    assert ROUTE_PARAMETERS.path in order(carried) and MIDDLEWARE not in order(carried)
    number, module = module_with(chosen, PATTERNS)
    assert result.repaired == [f"{MIDDLEWARE} removed from module {number} '{module.title}'",
                               f"1 document added to module {number} '{module.title}': {ROUTE_PARAMETERS.path}"]
    assert result.usage is None and result.fallbacks == []

    # The next refresh carries forward what this one announced, under the same ids: the page it
    # placed is no longer new, and the plugin pages are.
    analysis = await course.commit(inserted_after(INHERITANCE, *PLUGINS, pages=inserted_after(
        PATTERNS, ROUTE_PARAMETERS, pages=without(MIDDLEWARE))))
    _, events = await course.plan(with_model(llm_server), analysis, adapt_pathway_id=chosen.pathway_id)
    again = generated(events).payload
    assert llm_server.requests == []
    assert [p.pathway_id for p in again.pathways] == [chosen.pathway_id]
    after, _ = module_with(carried, INHERITANCE)  # the plugin pages follow it in the repository's order
    assert ids(again.pathways[0]) == ids(chosen)[:after] + [f"{chosen.pathway_id}-n1"] + ids(chosen)[after:]
    assert again.repaired == [f"new module {after + 1} 'Plugins: Writing a plugin and Publishing a plugin' for 2 documents: "
                              "docs/plugins/writing.md, docs/plugins/publishing.md"]
    assert order(again.pathways[0]) == [*order(carried)[:order(carried).index(INHERITANCE) + 1],
                                        *(p.path for p in PLUGINS),
                                        *order(carried)[order(carried).index(INHERITANCE) + 1:]]


async def test_when_too_much_changed_new_pathways_are_planned_and_the_first_note_says_why():
    course, chosen = await chosen_course()
    analysis = await course.commit(without(*order(chosen)[:8]))
    _, events = await course.plan(OFFLINE, analysis, adapt_pathway_id=chosen.pathway_id, pathway_count=2)
    result = generated(events).payload
    assert len(result.pathways) == 2 and chosen.pathway_id not in {p.pathway_id for p in result.pathways}
    assert result.repaired[0] == "the chosen pathway 'Foundations first' could not be kept: " \
                                 "8 of its 14 documents are gone"
    assert result.usage is not None  # planned as usual, by the (offline) provider


async def test_a_pathway_the_course_never_had_is_planned_anew_saying_so():
    course, _ = await chosen_course()
    analysis = await course.commit(PAGES)
    _, events = await course.plan(OFFLINE, analysis, adapt_pathway_id="no-such-pathway", pathway_count=1)
    result = generated(events).payload
    assert len(result.pathways) == 1
    assert result.repaired[0] == "the chosen pathway no-such-pathway could not be kept: " \
                                 "it is not among the course's pathways"
