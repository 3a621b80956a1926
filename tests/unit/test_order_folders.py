"""Folders read in one piece (services/pathway/engine/order/folders.py): the documents no navigation
lists, whose sibling folders stage 1 could not tell apart, are not interleaved page by page."""
from __future__ import annotations

from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.order.constraints import documents_by_path
from services.pathway.engine.order.explain import explain_order
from services.pathway.engine.order.folders import folders_in_one_piece


def in_one_piece(order: list[str]) -> list[str]:
    places = folders_in_one_piece(order)
    return sorted(order, key=places.__getitem__)


def test_interleaved_folders_come_in_one_piece_where_their_pages_come_on_average():
    order = ["storage/a.md", "network/a.md", "storage/b.md", "network/b.md", "network/c.md", "storage/c.md"]
    # storage's pages at 0, 2, 5 (mean 2.33); network's at 1, 3, 4 (mean 2.67)
    assert in_one_piece(order) == ["storage/a.md", "storage/b.md", "storage/c.md",
                                   "network/a.md", "network/b.md", "network/c.md"]


def test_an_order_already_in_one_piece_is_kept():
    order = ["index.md", "guide/start.md", "guide/next.md", "guide/deep/one.md", "guide/deep/two.md",
             "guide/last.md", "api/z.md", "api/a.md", "faq.md"]
    assert in_one_piece(order) == order


def test_pages_of_a_folder_and_its_subfolders_are_entries_of_one_level():
    # At the top: index.md (0), notes.md (2), guide/ (its pages at 1, 3, 4 and 6: mean 3.5), last.md
    # (5); inside guide/: a.md (1), b.md (4), deep/ (3 and 6: mean 4.5).
    order = ["index.md", "guide/a.md", "notes.md", "guide/deep/x.md", "guide/b.md", "last.md", "guide/deep/y.md"]
    assert in_one_piece(order) == ["index.md", "notes.md", "guide/a.md", "guide/b.md", "guide/deep/x.md",
                                   "guide/deep/y.md", "last.md"]


def document(path: str, inferred: int | None, doc_type: str = "guide", navigation: int | None = None) -> PathwayDocument:
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    return PathwayDocument(path=path, title=name.title(), doc_type=doc_type, complexity_level="beginner",
                           reading_minutes=5, word_count=1000, navigation_index=navigation,
                           inferred_index=inferred, summary=f"About {name}.")


def tied_folders() -> list[PathwayDocument]:
    # Stage 1 could not tell storage/ and network/ apart: their pages share ranks, page by page.
    documents = [document("README.md", 0, "overview")]
    for folder in ("storage", "network"):
        documents += [document(f"{folder}/intro.md", 1, "tutorial"), document(f"{folder}/volumes.md", 2),
                      document(f"{folder}/limits.md", 3, "reference")]
    return [*documents, document("listed.md", None, navigation=0)]


def test_foundations_first_reads_each_tied_folder_in_one_piece():
    documents = tied_folders()
    plan = plan_pathways(documents, count=3, overview="README.md", target_minutes=30)
    order = next(p for p in plan.pathways if p.key == "foundations-first").document_paths()
    assert order[:2] == ["README.md", "listed.md"], order
    folders = [path.split("/")[0] for path in order[2:]]
    assert folders in (["storage"] * 3 + ["network"] * 3, ["network"] * 3 + ["storage"] * 3), order
    for folder in ("storage", "network"):  # inside each folder, stage 1's order
        assert [p for p in order if p.startswith(folder)] == [f"{folder}/intro.md", f"{folder}/volumes.md",
                                                               f"{folder}/limits.md"]


def test_the_reason_of_a_place_says_the_page_is_read_with_its_folder_where_the_order_keeps_it_whole():
    documents = documents_by_path(tied_folders())
    whole = ["README.md", "listed.md", "storage/intro.md", "storage/volumes.md", "storage/limits.md",
             "network/intro.md", "network/volumes.md", "network/limits.md"]
    reasons = dict(zip(whole, explain_order(whole, documents, pathway_title="Foundations first", by_kind=False,
                                            overview="README.md")))
    assert reasons["storage/volumes.md"].startswith(
        "3rd in the reading order inferred from file names, index pages and front matter, read with the rest "
        "of storage/"), reasons
    assert "read with the rest of network/" in reasons["network/intro.md"]
    # Interleaved page by page (a model's order, say), no folder is read whole: the clause is not said.
    interleaved = ["README.md", "listed.md", "storage/intro.md", "network/intro.md", "storage/volumes.md",
                   "network/volumes.md", "storage/limits.md", "network/limits.md"]
    assert not any("read with the rest" in reason
                   for reason in explain_order(interleaved, documents, pathway_title="Foundations first",
                                               by_kind=False, overview="README.md"))


def test_a_page_in_a_subfolder_is_told_it_is_read_with_the_tied_folder_holding_it():
    # storage/ and network/ tied at the top; storage/disks/ is storage's only subfolder (tied with
    # nothing): its pages are read with the rest of storage/.
    documents = documents_by_path([*tied_folders(), document("storage/disks/local.md", 3),
                                   document("storage/disks/remote.md", 4)])
    whole = ["README.md", "listed.md", "storage/intro.md", "storage/volumes.md", "storage/limits.md",
             "storage/disks/local.md", "storage/disks/remote.md",
             "network/intro.md", "network/volumes.md", "network/limits.md"]
    reasons = dict(zip(whole, explain_order(whole, documents, pathway_title="Foundations first", by_kind=False,
                                            overview="README.md")))
    assert reasons["storage/disks/local.md"].startswith(
        "4th in the reading order inferred from file names, index pages and front matter, read with the rest "
        "of storage/"), reasons
    assert "read with the rest of storage/" in reasons["storage/volumes.md"]
    assert "read with the rest of network/" in reasons["network/limits.md"]
