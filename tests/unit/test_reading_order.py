"""The reading order stage 1 infers without a navigation file, and how close stage 3's
foundations-first pathway comes to the authors' order on real books (issue 19)."""
from __future__ import annotations

from pathlib import Path

import pytest

from services.pathway.engine.order import teaching as stage3_teaching
from services.pathway.engine.order.teaching import teaching_first
from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.order.constraints import PrerequisiteGraph
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.order.signals import name_order
from services.repo_clone.reading_order import inferred_order
from shared.docs.front_matter import order_key
from services.repo_clone.scanner import scan
from tests.support.reading_order import books, kendall_tau, measure, pathway_order

# τ without the navigation each book reaches now: a floor against regressions, not a target (the
# target is bench/order.py's, on its held-out half). Lowered by issue 50 where a rule added for one
# book (click, Werkzeug, MarkupSafe, itsdangerous) was removed; click's again when the page more
# pages require came first (0.49 -> 0.35; the tuning half's median, worst and mean rose).
FLOOR_WITHOUT_NAVIGATION = {"attrs": 0.75, "click": 0.3, "django-intro": 0.95, "flask": 0.65,
                            "itsdangerous": 0.55, "jinja2": 0.6, "markupsafe": 0.85, "python-markdown": 0.8,
                            "starlette": 0.6, "structlog": 0.6, "werkzeug": 0.45}


def write(root: Path, files: dict[str, str]) -> set[str]:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return set(files)


def in_order(ranks: dict[str, int]) -> list[str]:
    return sorted(ranks, key=lambda path: (ranks[path], path))


def test_numbers_in_names_sort_naturally_and_the_index_comes_first(tmp_path):
    docs = write(tmp_path, {"book/10-deploy.md": "x", "book/2-setup.md": "x", "book/README.md": "x",
                            "book/ch01-02-b.md": "x", "book/ch01-01-a.md": "x"})
    order = in_order(inferred_order(tmp_path, docs))
    assert order[0] == "book/README.md"
    assert order.index("book/2-setup.md") < order.index("book/10-deploy.md")
    assert order.index("book/ch01-01-a.md") < order.index("book/ch01-02-b.md")


def test_a_number_inside_a_word_is_no_position(tmp_path):
    docs = write(tmp_path, {"ext/nl2br.md": "x", "ext/abbr.md": "x", "ext/toc.md": "x", "ext/step2.md": "x",
                            "ext/step10.md": "x"})
    ranks = inferred_order(tmp_path, docs)
    assert ranks["ext/nl2br.md"] == ranks["ext/abbr.md"] == ranks["ext/toc.md"]  # names, not positions
    assert ranks["ext/step2.md"] < ranks["ext/step10.md"]


def test_a_modules_page_comes_before_its_submodules_pages():
    paths = ["ref/markdown.util.md", "ref/markdown.md", "ref/markdown.extensions.toc.md",
             "ref/markdown.extensions.md", "ref/markdown.blockparser.md"]
    assert sorted(paths, key=name_order) == [
        "ref/markdown.md", "ref/markdown.blockparser.md", "ref/markdown.extensions.md",
        "ref/markdown.extensions.toc.md", "ref/markdown.util.md"]


def test_front_matter_positions_and_index_links_order_pages(tmp_path):
    docs = write(tmp_path, {
        "docs/a.md": "---\nsidebar_position: 3\n---\n# A", "docs/b.md": "---\nweight: 1\n---\n# B",
        "docs/c.md": "---\nnav_order: 2\n---\n# C",
        "guide/index.md": "Start with [the last](zeta.md), then {doc}`alpha`.", "guide/alpha.md": "x",
        "guide/zeta.md": "x", "guide/changelog.md": "x"})
    order = in_order(inferred_order(tmp_path, docs))
    assert [p for p in order if p.startswith("docs/")] == ["docs/b.md", "docs/c.md", "docs/a.md"]
    assert [p for p in order if p.startswith("guide/")] == ["guide/index.md", "guide/zeta.md", "guide/alpha.md",
                                                           "guide/changelog.md"]


def test_project_notes_end_the_book_whatever_the_index_links_first(tmp_path):
    docs = write(tmp_path, {"docs/index.md": "Release 2.0 ([What's new?](changelog.md)). See [AUTHORS](authors.md).",
                            "docs/changelog.md": "x", "docs/license.md": "x", "docs/authors.md": "x",
                            "docs/contributing.md": "x", "docs/routing.md": "x", "docs/api.md": "x"})
    ranks = inferred_order(tmp_path, docs)
    order = in_order(ranks)
    assert order[:3] == ["docs/index.md", "docs/routing.md", "docs/api.md"]
    # No fixed order among the notes themselves (books disagree on it): the index's links order them.
    assert order[3:5] == ["docs/changelog.md", "docs/authors.md"]
    assert ranks["docs/contributing.md"] == ranks["docs/license.md"]


def test_a_name_orders_only_by_the_kinds_every_book_shares(tmp_path):
    # Deployment, a virtual environment or a page of terms are subjects, not kinds of reading: their
    # names neither bring a page forward nor push it back; the pages stay tied for stage 3.
    docs = write(tmp_path, {"docs/index.md": "x", "docs/deploying.md": "x", "docs/virtualenv.md": "x",
                            "docs/terms.md": "x", "docs/routing.md": "x", "docs/installation.md": "x",
                            "docs/glossary.md": "x"})
    ranks = inferred_order(tmp_path, docs)
    assert ranks["docs/installation.md"] < ranks["docs/routing.md"] < ranks["docs/glossary.md"]
    assert ranks["docs/deploying.md"] == ranks["docs/virtualenv.md"] == ranks["docs/terms.md"] == ranks["docs/routing.md"]


def test_a_level_a_name_declares_orders_it_beginner_first_advanced_late(tmp_path):
    # Levels of difficulty are kinds every book shares: a beginner's folder before the body, an
    # advanced one after it, whatever the subject.
    docs = write(tmp_path, {"docs/index.md": "x", "docs/advanced/tuning.md": "x", "docs/intermediate/indexing.md": "x",
                            "docs/fundamentals/arrays.md": "x", "docs/essentials.md": "x", "docs/routing.md": "x"})
    ranks = inferred_order(tmp_path, docs)
    assert ranks["docs/essentials.md"] < ranks["docs/routing.md"] < ranks["docs/advanced/tuning.md"]
    assert ranks["docs/fundamentals/arrays.md"] < ranks["docs/intermediate/indexing.md"] < ranks["docs/advanced/tuning.md"]


def test_a_document_naming_the_next_one_is_followed_by_it(tmp_path):
    docs = write(tmp_path, {
        "tut/index.rst": "Tutorial\n========\n\nContinue to :doc:`layout`.", "tut/layout.rst": "Continue to :doc:`factory`.",
        "tut/factory.rst": "Body.\n\n**Next:** [the database](database.md)", "tut/database.md": "x",
        "tut/about.md": "Next: [elsewhere](https://example.org)", "tut/blog.md": "continue to [the index](index.rst)"})
    order = in_order(inferred_order(tmp_path, docs))
    assert order[:4] == ["tut/index.rst", "tut/layout.rst", "tut/factory.rst", "tut/database.md"]
    assert set(order[4:]) == {"tut/about.md", "tut/blog.md"}  # no next document of the folder: the index stays first


def test_pages_of_folders_nothing_tells_apart_do_not_interleave(tmp_path):
    # Two sibling folders with no position: the one whose pages the other's pages link to comes
    # first (define before use, among folders), each folder's pages kept together in its own order.
    docs = write(tmp_path, {
        "docs/recipes/index.md": "# Recipes\n\n- [B](b.md)\n- [A](a.md)\n",
        "docs/recipes/a.md": "# A\n\nUses [state](../concepts/state.md).\n",
        "docs/recipes/b.md": "# B\n\nUses [actions](../concepts/actions.md).\n",
        "docs/concepts/state.md": "# State\n", "docs/concepts/actions.md": "# Actions\n"})
    order = in_order(inferred_order(tmp_path, docs))
    assert order.index("docs/concepts/actions.md") < order.index("docs/recipes/index.md")
    assert order.index("docs/concepts/state.md") < order.index("docs/recipes/index.md")
    assert order[-3:] == ["docs/recipes/index.md", "docs/recipes/b.md", "docs/recipes/a.md"]


def test_of_folders_nothing_else_tells_apart_the_one_holding_a_first_step_comes_first(tmp_path):
    # Its pages link to the other folder ("see the theme reference"): a pointer on, not a use.
    docs = write(tmp_path, {
        "modules/using/install.md": "# Install\n\nThen see [colours](../appearance/colours.md).\n",
        "modules/using/convert.md": "# Convert\n\nSee [fonts](../appearance/fonts.md).\n",
        "modules/appearance/colours.md": "# Colours\n", "modules/appearance/fonts.md": "# Fonts\n"})
    order = in_order(inferred_order(tmp_path, docs))
    assert order[:2] == ["modules/using/install.md", "modules/using/convert.md"], order


def test_documents_the_navigation_lists_get_no_inferred_rank_and_unordered_ones_tie(tmp_path):
    docs = write(tmp_path, {"docs/index.md": "x", "docs/beta.md": "x", "docs/gamma.md": "x"})
    ranks = inferred_order(tmp_path, docs, {"docs/index.md"})
    assert set(ranks) == {"docs/beta.md", "docs/gamma.md"}
    assert ranks["docs/beta.md"] == ranks["docs/gamma.md"]  # nothing orders them: stage 3 decides


def unlisted(path: str, inferred: int | None, requires: tuple[str, ...] = ()) -> PathwayDocument:
    return PathwayDocument(path=path, title=path, doc_type="guide", complexity_level="beginner",
                           prerequisites=list(requires), inferred_index=inferred)


def test_a_prerequisite_the_inferred_order_puts_later_is_not_followed():
    # Stage 2 found "b needs c" from a shared concept; the names say c comes after b.
    documents = [unlisted("a.md", 0), unlisted("b.md", 1, ("a.md", "c.md", "d.md")), unlisted("c.md", 2),
                 unlisted("d.md", 1)]
    graph = PrerequisiteGraph.build(documents)
    assert graph.prerequisites_of("b.md") == ("a.md", "d.md")  # d ties with b: the prerequisite decides
    assert graph.ordered(["a.md", "b.md", "c.md", "d.md"], key=lambda p: p) == ["a.md", "c.md", "d.md", "b.md"]


def reference(path: str, title: str, concepts: list[str], summary: str, nav: int | None = None) -> PathwayDocument:
    return PathwayDocument(path=path, title=title, doc_type="reference", complexity_level="beginner",
                           key_concepts=concepts, summary=summary, inferred_index=None if nav is not None else 1,
                           navigation_index=nav)


# Three reference pages stage 1 cannot tell apart, named against their reading order: the page
# on parameters teaches what the options page talks about, and nobody builds on the console notes.
TEACHING = [
    reference("docs/b-options.md", "Options", ["option", "flag"], "Options are parameters with a name."),
    reference("docs/c-parameters.md", "Parameters", ["parameter"], "What a parameter is."),
    reference("docs/d-flags.md", "Flags", ["boolean flag"], "A flag is an option without a value."),
    reference("docs/a-console.md", "Console notes", ["console encoding"], "How the console encodes text."),
]


def test_among_tied_documents_the_one_teaching_what_others_use_wins_the_tournament():
    rank = teaching_first(TEACHING)
    # parameters beats options ("parameter"), options beats flags ("flag", "option"); the console
    # notes meet nobody: no win, no loss, so they stay between what is taught and what builds on it
    assert rank == {"docs/c-parameters.md": -1, "docs/b-options.md": 0, "docs/a-console.md": 0,
                    "docs/d-flags.md": 1}
    plan = plan_pathways(TEACHING, 1)
    assert plan.pathways[0].document_paths() == ["docs/c-parameters.md", "docs/a-console.md",
                                                 "docs/b-options.md", "docs/d-flags.md"]


def test_a_prerequisite_stage_2_found_outweighs_one_phrase_in_the_tournament():
    # The signing page's summary says "serializer" (a concept the serializer page teaches) and the
    # serializer page says "signature" once: a tie in phrases. Stage 2 read both texts and found the
    # serializer page requires the signing page, which settles it.
    signing = reference("docs/signer.md", "Signing", ["signature"], "A signature, as the serializer uses it.")
    serializer = PathwayDocument(path="docs/serializer.md", title="Serializer", doc_type="reference",
                                 complexity_level="beginner", key_concepts=["serializer"],
                                 summary="Dumps data with a signature.", inferred_index=1)
    assert set(teaching_first([signing, serializer]).values()) == {0}  # one phrase each way: a tie
    requiring = serializer.model_copy(update={"prerequisites": ["docs/signer.md"]})
    assert teaching_first([signing, requiring]) == {"docs/signer.md": -1, "docs/serializer.md": 1}
    # …even against one phrase the other way: only the signing page says the other's concept
    plain = requiring.model_copy(update={"summary": "Dumps data."})
    assert teaching_first([signing, plain.model_copy(update={"prerequisites": []})]) == {
        "docs/serializer.md": -1, "docs/signer.md": 1}
    assert teaching_first([signing, plain]) == {"docs/signer.md": -1, "docs/serializer.md": 1}


def test_without_a_navigation_first_steps_come_first_and_the_body_is_ordered_by_what_it_teaches():
    # The kinds of the body are guesses from wording: a concept page that builds on a reference
    # page comes after it; first steps open the course and the FAQ and project notes close it.
    def page(path, doc_type, concepts, summary):
        return PathwayDocument(path=path, title=path, doc_type=doc_type, complexity_level="beginner",
                               key_concepts=concepts, summary=summary, inferred_index=1)
    documents = [
        page("docs/faq.md", "faq", ["common question"], "Answers about parameters and options."),
        page("docs/design.md", "concept", ["design choice"], "Why every option is a parameter."),
        page("docs/parameters.md", "reference", ["parameter"], "What a parameter is."),
        page("docs/changes.md", "changelog", ["release"], "Releases."),
        page("docs/start.md", "how-to", ["first command"], "Write a first command."),
        PathwayDocument(path="docs/index.md", title="Home", doc_type="overview", complexity_level="beginner",
                        inferred_index=0),
    ]
    assert plan_pathways(documents, 1).pathways[0].document_paths() == [
        "docs/index.md", "docs/start.md", "docs/parameters.md", "docs/design.md", "docs/faq.md",
        "docs/changes.md"]


def test_the_teaching_tournament_leaves_the_navigation_order_alone():
    listed = [reference(d.path, d.title, d.key_concepts, d.summary, nav=i) for i, d in enumerate(TEACHING)]
    assert teaching_first(listed) == {}
    assert plan_pathways(listed, 1).pathways[0].document_paths() == [d.path for d in TEACHING]


def test_order_key_reads_the_first_numeric_order_field():
    assert order_key({"sidebar_position": "2", "weight": "9"}) == 2.0
    assert order_key({"weight": "-1"}) == -1.0
    assert order_key({"order": "soon", "title": "x"}) is None
    assert order_key({"nav_order": "nan"}) is None


def test_kendall_tau():
    assert kendall_tau(["a", "b", "c"], ["a", "b", "c"]) == 1.0
    assert kendall_tau(["c", "b", "a"], ["a", "b", "c"]) == -1.0
    assert kendall_tau(["a", "x", "b"], ["a", "b"]) == 1.0  # only documents both orders hold


@pytest.mark.parametrize("book", books(), ids=lambda book: book.name)
def test_foundations_first_follows_the_authors_order(book, tmp_path):
    result = measure(book, tmp_path)
    assert result.tau_with_navigation == 1.0
    assert result.tau_without_navigation >= FLOOR_WITHOUT_NAVIGATION[book.name]


@pytest.mark.parametrize("book", books(), ids=lambda book: book.name)
def test_the_first_pathway_keeps_the_authors_navigation(book):
    # Only project notes move (to the end: Starlette lists its release notes mid-way); a kind of
    # reading guessed from a page's wording does not (Werkzeug's deployment pages read as
    # concepts, and came right after the index: τ 0.31).
    assert kendall_tau(pathway_order(book), scan(book).navigation) >= 0.95


def test_only_release_notes_and_contribution_rules_leave_their_place_in_the_navigation():
    def listed(path: str, doc_type: str, index: int) -> PathwayDocument:
        return PathwayDocument(path=path, title=path, doc_type=doc_type, complexity_level="beginner",
                               key_concepts=["widgets"], reading_minutes=5, navigation_index=index)
    documents = [listed("index.md", "overview", 0), listed("changes.md", "changelog", 1),
                 listed("glossary-card.md", "other", 2), listed("contributing.md", "contributing", 3),
                 listed("guide.md", "guide", 4)]
    order = plan_pathways(documents, 1).pathways[0].document_paths()
    assert order == ["index.md", "glossary-card.md", "guide.md", "changes.md", "contributing.md"]


def test_a_tied_group_whose_tournament_would_count_too_many_votes_keeps_its_name_order(monkeypatch):
    assert teaching_first(TEACHING)  # within the budget: ranked
    monkeypatch.setattr(stage3_teaching, "MOST_VOTES", 1)
    assert not any(teaching_first(TEACHING).values())
