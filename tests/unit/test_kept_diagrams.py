"""The diagrams stage 4 keeps for the web reader (shared/diagrams.py): one key for the export and
the gateway, only drawn diagrams kept, with the source the reader finds them by; and the pictures'
captions in the course's language (shared/course_labels.py)."""
from __future__ import annotations

from services.modules.export.pictures import NOT_DRAWN, concept_maps, diagram_html, diagram_key, with_diagrams
from shared.concept_map import ConceptSource
from shared.course_labels import Labels
from shared.diagrams import diagrams_artefact, diagrams_name, diagrams_ref, read_diagrams

FLOW = "graph TD\n  A --> B\n"
BROKEN = "graph TD\n  A -->> !!broken"


def test_the_export_and_the_reader_share_one_key():
    assert diagram_key("mermaid-example", FLOW) == diagram_key("mermaid", FLOW.strip())
    assert diagram_key("dot", "digraph { a -> b }") == diagram_key("graphviz", "digraph { a -> b }")
    assert f'data-diagram="{diagram_key("mermaid", FLOW)}"' in diagram_html(FLOW, "mermaid")


def test_the_artefact_keeps_the_drawn_diagrams_with_their_sources():
    drawn = {diagram_key("mermaid", FLOW): "<svg/>"}
    kept = diagrams_artefact([("mermaid", FLOW), ("mermaid-example", FLOW), ("mermaid", BROKEN)], drawn)
    answer = read_diagrams(kept)
    assert answer["languages"]["mermaid-example"] == "mermaid" and answer["languages"]["graphviz"] == "dot"
    assert answer["diagrams"] == [{"key": diagram_key("mermaid", FLOW), "renderer": "mermaid",
                                   "source": FLOW.strip(), "svg": "<svg/>"}]


def test_a_version_that_kept_none_answers_none():
    assert read_diagrams(None)["diagrams"] == [] and read_diagrams(None)["languages"]


def test_the_artefact_lies_beside_the_export_so_a_fork_finds_it():
    assert diagrams_ref("course1/run1/course.zip") == "course1/" + diagrams_name("run1")


def test_the_pictures_captions_are_in_the_course_s_language():
    docs = [("m1", [ConceptSource("a.md", ("alpha",), ())])]
    course, modules = concept_maps(docs, "Mon cours", Labels("fr"))
    assert "Carte des concepts de Mon cours" in course and "Carte des concepts de ce module" in modules["m1"]
    course, modules = concept_maps(docs, "My course")
    assert "Concept map of My course" in course and "Concept map of this module" in modules["m1"]
    assert NOT_DRAWN == Labels(None).diagram_not_drawn and Labels("fr").diagram_not_drawn != NOT_DRAWN


def test_an_undrawn_diagram_s_note_is_in_the_course_s_language():
    block = diagram_html(BROKEN, "mermaid") + diagram_html(FLOW, "mermaid")
    page = with_diagrams(block, {diagram_key("mermaid", FLOW): "<svg/>"}, Labels("fr").diagram_not_drawn)
    assert "n&#x27;a pas pu être dessiné" in page and NOT_DRAWN not in page and "<svg/>" in page
    assert with_diagrams(block, {}) == block
