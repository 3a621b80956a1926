"""The concept map: which concepts and edges it keeps, and its SVG: the same bytes for the same
documents (in any process), every label escaped, an accessible picture with a text alternative."""
from __future__ import annotations

import os
import subprocess
import sys
from xml.etree import ElementTree

from hypothesis import given, settings, strategies as st

from shared.concept_map import MOST_NODES, ConceptMap, ConceptSource, concept_map, figure_html, svg

DOCS = [ConceptSource("a.md", ["Broker", "Stream"]),
        ConceptSource("b.md", ["Consumer", "Ack <policy> & \"more\""], ["streams", "the broker"]),
        ConceptSource("c.md", ["Key-Value store"], ["Consumer", "something nobody teaches"]),
        ConceptSource("d.md", ["Lonely thing"])]
SVG = "{http://www.w3.org/2000/svg}"


def test_edges_go_from_the_prerequisite_concepts_to_the_key_concepts_of_the_same_document():
    cmap = concept_map(DOCS)
    assert set(cmap.edge_lines()) == {
        "Stream → needed for → Consumer", "Stream → needed for → Ack <policy> & \"more\"",
        "Broker → needed for → Consumer", "Broker → needed for → Ack <policy> & \"more\"",
        "Consumer → needed for → Key-Value store"}
    # A prerequisite no document teaches is no node; a concept without edges still is one.
    assert "something nobody teaches" not in cmap.nodes and "Lonely thing" in cmap.nodes


def test_a_module_map_shows_what_it_builds_on_from_the_rest_of_the_course():
    cmap = concept_map([DOCS[2]], known=DOCS)
    assert cmap.edge_lines() == ["Consumer → needed for → Key-Value store"]


def test_the_most_connected_concepts_are_kept_when_there_are_too_many():
    letters = "abcdefghijklmnopqrstuvwxyz"
    many = [ConceptSource(f"{n}.md", [f"topic {letters[n % 26]}{letters[n // 26]}"], ["hub"] if n % 2 else [])
            for n in range(60)]
    cmap = concept_map([ConceptSource("hub.md", ["hub"]), *many])
    assert len(cmap.nodes) == MOST_NODES and cmap.nodes[0] == "hub"
    assert all(a < len(cmap.nodes) and b < len(cmap.nodes) for a, b in cmap.edges)


def test_the_svg_is_well_formed_accessible_and_escaped():
    text = svg(concept_map(DOCS), "Concepts of <Course> & co")
    root = ElementTree.fromstring(text)     # well-formed XML: labels escaped
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Concepts of <Course> & co"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Broker → needed for → Consumer" in desc.text
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert 'Ack <policy> & "more"' in labels
    assert "<script" not in text and "<policy>" not in text


def test_the_figure_has_the_edges_as_a_list_beside_the_picture():
    html = figure_html(concept_map(DOCS), "Concept map")
    assert "<li>Broker → needed for → Consumer</li>" in html and "<details" in html
    assert "No key concepts" in figure_html(concept_map([]), "Concept map")


def test_the_same_documents_give_the_same_bytes_in_any_process():
    # A map dense enough for the layout to route edges through layers: its sets must not decide.
    code = ("import random\n"
            "from shared.concept_map import ConceptSource, concept_map, svg\n"
            "pick = random.Random(4)\n"
            "names = [f'{a} {b}' for a in 'red green blue cyan gold grey pink teal'.split()"
            " for b in 'box cup pen map key jar fan cog'.split()]\n"
            "docs = [ConceptSource(f'{n}.md', pick.sample(names, 4), pick.sample(names, 3)) for n in range(30)]\n"
            "kept = [object() for _ in range(pick.randint(1, 300))]\n"
            "print(svg(concept_map(docs), 'Map'), end='')")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}, cwd=os.getcwd()).stdout
               for seed in ("1", "2", "3")}
    assert len(outputs) == 1 and "<polyline" in outputs.pop()
    assert svg(concept_map(DOCS), "Map") == svg(concept_map(list(DOCS)), "Map")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=14).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30, unique=True))))
def test_any_graph_is_drawn_cycles_and_loops_included(graph):
    # Prerequisites may go round in a circle (A before B before C before A): the layout must still
    # draw every concept and every edge, never fail the stage.
    count, edges = graph
    cmap = ConceptMap(nodes=tuple(f"concept {n}" for n in range(count)), edges=tuple(edges))
    drawn = svg(cmap, "t")
    assert all(f"concept {n}<" in drawn for n in range(count))
