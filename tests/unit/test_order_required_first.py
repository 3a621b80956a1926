"""Without navigation, of the pages stage 1's inferred order leaves tied, the one more pages require
comes first (services/pathway/engine/variants.py _foundations_phase, Corpus.required_by): the
foundations others build on, before pages of an earlier kind of reading that nothing requires."""
from __future__ import annotations

from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.order.constraints import PrerequisiteGraph


def page(name: str, doc_type: str, requires: tuple[str, ...] = ()) -> PathwayDocument:
    return PathwayDocument(path=f"api/{name}.md", title=name.title(), doc_type=doc_type, complexity_level="beginner",
                           reading_minutes=5, word_count=1000, inferred_index=1, summary=f"About {name}.",
                           prerequisites=[f"api/{r}.md" for r in requires])


BOOK = [
    page("dispatcher", "reference"),                   # required by two pages
    page("walkthrough", "tutorial"),                   # an earlier kind, required by none
    page("client", "guide", requires=("dispatcher",)),
    page("pool", "guide", requires=("dispatcher",)),
]


def test_the_graph_counts_the_documents_requiring_each():
    assert PrerequisiteGraph.build(BOOK).requirer_counts() == {"api/dispatcher.md": 2}


def test_the_page_more_pages_require_comes_before_an_earlier_kind_nothing_requires():
    plan = plan_pathways(BOOK, count=1, target_minutes=30)
    order = plan.pathways[0].document_paths()
    assert plan.pathways[0].key == "foundations-first"
    assert order == ["api/dispatcher.md", "api/walkthrough.md", "api/client.md", "api/pool.md"], order
