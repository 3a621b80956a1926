"""Why each document of a pathway is where it is (services/pathway/engine/order/explain.py): read off
the finished order from the signals the engine orders by, whoever made the order."""
from __future__ import annotations

from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.order.constraints import documents_by_path
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.order.explain import MAX_PLACEMENT_CHARS, explain_order, ordinal


def doc(path: str, **fields) -> PathwayDocument:
    return PathwayDocument(path=path, title=fields.pop("title", path.rsplit("/", 1)[-1].title()),
                           doc_type=fields.pop("doc_type", "guide"),
                           complexity_level=fields.pop("complexity_level", "beginner"), **fields)


BOOK = [
    doc("docs/index.md", title="Welcome", doc_type="overview", navigation_index=0),
    doc("docs/install.md", title="Install", doc_type="how-to", navigation_index=1,
        navigation_section="Getting started", key_concepts=["virtual environment"]),
    doc("docs/first-app.md", title="First app", doc_type="tutorial", navigation_index=2,
        navigation_section="Getting started", prerequisites=["docs/install.md"],
        summary="Build an app inside a virtual environment."),
    doc("docs/config.md", title="Configuration", doc_type="reference", navigation_index=3,
        navigation_section="Essentials", summary="Every option of the virtual environment."),
    doc("docs/widgets.md", title="Widgets", doc_type="concept", inferred_index=0, key_concepts=["widget"]),
    doc("docs/layouts.md", title="Layouts", doc_type="guide", inferred_index=1, summary="Arrange a widget."),
]
BY_PATH = documents_by_path(BOOK)


def explained(order: list[str], **options) -> dict[str, str]:
    options.setdefault("pathway_title", "Foundations first")
    options.setdefault("by_kind", False)
    return dict(zip(order, explain_order(order, BY_PATH, **options)))


def test_ordinals_read_as_english():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]


def test_the_authors_order_names_the_navigation_file_the_section_and_the_place_within_it():
    order = [d.path for d in BOOK]
    reasons = explained(order, overview="docs/index.md", navigation_source=".vitepress/config.ts")
    assert reasons["docs/index.md"] == "The course's overview page, read first"
    assert reasons["docs/install.md"] == ("Listed 1st under 'Getting started' in .vitepress/config.ts; "
                                          "defines 'virtual environment', used by 2 later pages")
    assert reasons["docs/first-app.md"] == ("Listed 2nd under 'Getting started' in .vitepress/config.ts; "
                                            "after 'Install', which it requires")
    assert reasons["docs/config.md"] == "Listed 1st under 'Essentials' in .vitepress/config.ts"
    assert reasons["docs/widgets.md"] == ("1st in the reading order inferred from file names, index pages and "
                                          "front matter; defines 'widget', used by 1 later page")
    assert reasons["docs/layouts.md"].startswith("2nd in the reading order inferred")


def test_without_a_known_file_the_navigation_is_named_generically():
    reasons = explained([d.path for d in BOOK])
    assert reasons["docs/index.md"] == "Listed 1st in the documentation navigation"


def test_a_pathway_ordered_by_kind_says_so():
    order = ["docs/first-app.md", "docs/install.md", "docs/index.md"]  # not the navigation's order
    reasons = explained(order, pathway_title="Hands-on", by_kind=True)
    assert reasons["docs/first-app.md"] == "A tutorial, placed by its kind of reading in the 'Hands-on' order"
    assert reasons["docs/index.md"] == "An overview, placed by its kind of reading in the 'Hands-on' order"


def test_a_document_out_of_the_navigations_order_is_not_said_to_follow_it():
    # A model put the reference first: its later pages are in the navigation's order again only
    # once they come after every listed page before them.
    order = ["docs/config.md", "docs/index.md", "docs/install.md"]
    reasons = explained(order, pathway_title="A model's pathway")
    assert reasons["docs/config.md"].startswith("Listed 1st under 'Essentials'")
    assert reasons["docs/index.md"].startswith("An overview, placed by its kind of reading")
    assert reasons["docs/install.md"].startswith("A how-to, placed by its kind of reading")


def test_a_page_nothing_later_uses_but_that_later_pages_require_says_which():
    plain = [doc("a.md", title="Alpha"), doc("b.md", title="Beta", prerequisites=["a.md"]),
             doc("c.md", title="Gamma", prerequisites=["a.md"])]
    reasons = explain_order(["a.md", "b.md", "c.md"], documents_by_path(plain), pathway_title="P", by_kind=True)
    assert reasons[0] == "A guide, placed by its kind of reading in the 'P' order; required by 'Beta' and 1 more"


def test_every_document_of_every_engine_pathway_gets_one_short_reason():
    plan = plan_pathways(BOOK, count=5, overview="docs/index.md")
    for pathway in plan.pathways:
        order = pathway.document_paths()
        reasons = explain_order(order, BY_PATH, pathway_title=pathway.title, by_kind=False)
        assert len(reasons) == len(order) and all(reasons), (pathway.key, reasons)
        assert all(len(reason) <= MAX_PLACEMENT_CHARS and "\n" not in reason for reason in reasons)
