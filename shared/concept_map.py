"""A concept map: the key concepts of a set of documents (stage 2's `key_concepts`) joined by the
prerequisite edges stage 2 computes (a document's `prerequisite_concepts` are needed for its key
concepts), laid out as a layered graph (grandalf's Sugiyama layout) and written as an accessible
SVG, with the edges as a text list beside it for screen readers. Pure; the same documents give the
same bytes. Used by stage 4's exports and the gateway's concept-map endpoints.

Which concepts make the map (at most MOST_NODES, so it stays readable):
- candidates: every key concept of the documents, and every prerequisite concept that is a key
  concept of one of `known` (the course's documents: a module's map shows what it builds on);
- an edge A → B for each document that has A among its prerequisite concepts and B among its key
  concepts (A ≠ B; one edge however many documents say it);
- kept: the most connected first (edges in and out), then the most used (how many documents name
  the concept), then by name; edges between kept concepts only, each concept with at most
  MOST_NEEDS prerequisites (the most connected), at most MOST_EDGES in all."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Iterable, Sequence

from grandalf.graphs import Edge, Graph, Vertex
from grandalf.layouts import SugiyamaLayout

from shared.concepts import concept_key

MOST_NODES, MOST_NEEDS, MOST_EDGES = 25, 2, 36
MOST_LABEL_CHARS = 32
FONT_SIZE, CHAR_WIDTH, BOX_HEIGHT, PAD = 12, 7, 26, 10
LAYER_GAP, NODE_GAP, COMPONENT_GAP, MARGIN = 50, 16, 30, 12
NEEDED_FOR = "needed for"


@dataclass(frozen=True)
class ConceptSource:
    """What stage 2 said of one document, as far as the map needs it."""
    path: str
    key_concepts: Sequence[str] = ()
    prerequisite_concepts: Sequence[str] = ()


@dataclass(frozen=True)
class ConceptMap:
    nodes: tuple[str, ...]                 # labels, in the order they were kept
    edges: tuple[tuple[int, int], ...]     # (needed, needed for) as indexes into nodes, sorted

    @property
    def empty(self) -> bool:
        return not self.nodes

    def edge_lines(self) -> list[str]:
        """The text alternative: one line per edge, "A → needed for → B"."""
        return [f"{self.nodes[a]} → {NEEDED_FOR} → {self.nodes[b]}" for a, b in self.edges]


def concept_map(documents: Iterable[ConceptSource], known: Iterable[ConceptSource] = (),
                most: int = MOST_NODES) -> ConceptMap:
    documents = list(documents)
    label: dict[str, str] = {}
    uses: dict[str, int] = {}

    def named(concept: str) -> str | None:
        concept = " ".join(concept.split())
        key = concept_key(concept) if concept else ""
        if key:
            label.setdefault(key, concept)
        return key or None

    documents_keys = [{k for c in doc.key_concepts if (k := named(c))} for doc in documents]
    linkable = {k for keys in documents_keys for k in keys} | {k for doc in known for c in doc.key_concepts
                                                            if (k := named(c))}
    edges: set[tuple[str, str]] = set()
    for doc, keys in zip(documents, documents_keys):
        for key in keys:
            uses[key] = uses.get(key, 0) + 1
        for concept in doc.prerequisite_concepts:
            needed = named(concept)
            if needed is None or needed not in linkable:
                continue
            uses.setdefault(needed, 0)
            edges.update((needed, key) for key in keys if key != needed)
    degree: dict[str, int] = dict.fromkeys(uses, 0)
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
    ranked = sorted(uses, key=lambda k: (-degree[k], -uses[k], label[k].casefold(), k))[:most]
    index = {key: n for n, key in enumerate(ranked)}
    kept: list[tuple[int, int]] = []
    needs: dict[int, int] = {}
    # Each concept keeps its most connected prerequisites only: a dense map is a ball of lines.
    for source, target in sorted((index[a], index[b]) for a, b in edges if a in index and b in index):
        if needs.get(target, 0) < MOST_NEEDS and len(kept) < MOST_EDGES:
            needs[target] = needs.get(target, 0) + 1
            kept.append((source, target))
    kept.sort()
    return ConceptMap(tuple(label[k] for k in ranked), tuple(kept))


@dataclass(frozen=True)
class _Box:
    x: float  # centre
    y: float
    width: float


class _Vertex(Vertex):
    # grandalf keeps vertices and edges in sets: hashed by identity, their order (and so the layout)
    # would change from one run to the next; hashed by their place in the map, it does not.
    def __hash__(self) -> int:
        return hash(self.data)


class _Edge(Edge):
    def __hash__(self) -> int:
        return hash((self.v[0].data, self.v[1].data))


class _Route:
    """Where grandalf puts an edge's route (through the layers it crosses)."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list) -> None:
        self.points = [(float(x), float(y)) for x, y in points]


def _short(text: str) -> str:
    return text if len(text) <= MOST_LABEL_CHARS else text[:MOST_LABEL_CHARS - 1].rstrip() + "…"


def _width(text: str) -> float:
    return len(_short(text)) * CHAR_WIDTH + 2 * PAD


def layout(cmap: ConceptMap) -> tuple[list[_Box], list[list[tuple[float, float]]], float, float]:
    """Each node's box, each edge's route (points), and the drawing's width and height."""
    class _View:
        def __init__(self, w: float, h: float) -> None:
            self.w, self.h, self.xy = w, h, (0.0, 0.0)

    vertices = [_Vertex(n) for n in range(len(cmap.nodes))]
    for vertex, name in zip(vertices, cmap.nodes):
        vertex.view = _View(_width(name), BOX_HEIGHT)
    # Laid out without the edges that close a cycle (grandalf's own cycle handling fails on some):
    # those are drawn straight, between their boxes, like any edge without a route.
    graph_edges = [_Edge(vertices[a], vertices[b]) for a, b in _acyclic(len(cmap.nodes), cmap.edges)]
    for edge in graph_edges:
        edge.view = _Route()
    graph = Graph(vertices, graph_edges)
    boxes: dict[int, _Box] = {}
    routes: dict[tuple[int, int], list[tuple[float, float]]] = {}
    left, height = float(MARGIN), 0.0
    # Components with edges first (largest first), then the lone concepts on a last row.
    components = sorted(graph.C, key=lambda c: (-len(c.sV), min(v.data for v in c.sV)))
    lone = [c for c in components if len(c.sV) == 1]
    for component in (c for c in components if len(c.sV) > 1):
        sugiyama = SugiyamaLayout(component)
        sugiyama.xspace, sugiyama.yspace = NODE_GAP, LAYER_GAP
        sugiyama.init_all(roots=sorted((v for v in component.sV if not v.e_in()), key=lambda v: v.data) or None)
        sugiyama.draw(3)
        bends = [point for e in component.sE for point in e.view.points]
        xs = [v.view.xy[0] - v.view.w / 2 for v in component.sV] + [x for x, _ in bends]
        xe = [v.view.xy[0] + v.view.w / 2 for v in component.sV] + [x for x, _ in bends]
        ys = [v.view.xy[1] for v in component.sV]
        dx, dy = left - min(xs), MARGIN + BOX_HEIGHT / 2 - min(ys)
        for v in component.sV:
            boxes[v.data] = _Box(round(v.view.xy[0] + dx, 1), round(v.view.xy[1] + dy, 1), v.view.w)
        for e in component.sE:
            points = [(boxes[e.v[0].data].x, boxes[e.v[0].data].y)]
            points += [(round(x + dx, 1), round(y + dy, 1)) for x, y in e.view.points[1:-1]]
            points.append((boxes[e.v[1].data].x, boxes[e.v[1].data].y))
            routes[(e.v[0].data, e.v[1].data)] = points
        left += max(xe) - min(xs) + COMPONENT_GAP
        height = max(height, max(ys) - min(ys) + BOX_HEIGHT)
    width = max(left - COMPONENT_GAP + MARGIN, float(2 * MARGIN))
    if lone:
        row_y, x = MARGIN + height + (LAYER_GAP if height else 0), float(MARGIN)
        widest = max(width, 600.0)
        for component in lone:
            n = next(iter(component.sV)).data
            w = _width(cmap.nodes[n])
            if x + w > widest - MARGIN and x > MARGIN:
                x, row_y = float(MARGIN), row_y + BOX_HEIGHT + NODE_GAP
            boxes[n] = _Box(round(x + w / 2, 1), round(row_y + BOX_HEIGHT / 2, 1), w)
            x += w + NODE_GAP
            width = max(width, x - NODE_GAP + MARGIN)
        height = row_y + BOX_HEIGHT - MARGIN
    ordered_routes = [routes.get(edge, []) for edge in cmap.edges]
    return [boxes[n] for n in range(len(cmap.nodes))], ordered_routes, round(width, 1), round(height + 2 * MARGIN, 1)


def _acyclic(count: int, edges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """`edges` without those that close a cycle (a depth-first search from each node in order, an
    edge back to a node on the current path left out) or join a node to itself; deterministic."""
    following: list[list[int]] = [[] for _ in range(count)]
    for a, b in edges:
        if a != b:
            following[a].append(b)
    state = [0] * count  # 0 unseen, 1 on the current path, 2 done
    back: set[tuple[int, int]] = set()
    for root in range(count):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(following[root]))]
        while stack:
            node, rest = stack[-1]
            step = next(rest, None)
            if step is None:
                state[node] = 2
                stack.pop()
            elif state[step] == 1:
                back.add((node, step))
            elif state[step] == 0:
                state[step] = 1
                stack.append((step, iter(following[step])))
    return [(a, b) for a, b in edges if a != b and (a, b) not in back]


def _edge_ends(points: list[tuple[float, float]], source: _Box, target: _Box) -> list[tuple[float, float]]:
    """The route cut at the boxes' top and bottom edges, so the arrow head touches its box."""
    if len(points) < 2:
        points = [(source.x, source.y), (target.x, target.y)]
    (x0, y0), (x1, y1) = points[0], points[-1]
    down0 = 1 if points[1][1] >= y0 else -1
    down1 = 1 if y1 >= points[-2][1] else -1
    return [(x0, y0 + down0 * BOX_HEIGHT / 2), *points[1:-1], (x1, y1 - down1 * (BOX_HEIGHT / 2 + 2))]


def svg(cmap: ConceptMap, title: str, id_prefix: str = "cm") -> str:
    """The map as a standalone, accessible SVG (role="img", <title> and <desc>); every label escaped."""
    description = (f"{len(cmap.nodes)} concepts, {len(cmap.edges)} prerequisite links. "
                   + ("; ".join(cmap.edge_lines()) if cmap.edges else "No concept is needed for another."))
    if cmap.empty:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id_prefix}-title '
                f'{id_prefix}-desc" viewBox="0 0 240 40" width="240" height="40">'
                f'<title id="{id_prefix}-title">{escape(title)}</title>'
                f'<desc id="{id_prefix}-desc">No key concepts.</desc></svg>')
    boxes, routes, width, height = layout(cmap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
           f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" class="concept-map" '
           f'font-family="sans-serif" font-size="{FONT_SIZE}">',
           f'<title id="{id_prefix}-title">{escape(title)}</title>',
           f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
           f'<defs><marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4a5568"/></marker></defs>',
           '<g class="edges" fill="none" stroke="#4a5568" stroke-width="1.3">']
    for (a, b), points in zip(cmap.edges, routes):
        route = " ".join(f"{x:g},{y:g}" for x, y in _edge_ends(points, boxes[a], boxes[b]))
        out.append(f'<polyline points="{route}" marker-end="url(#{id_prefix}-arrow)">'
                   f'<title>{escape(cmap.nodes[a])} {NEEDED_FOR} {escape(cmap.nodes[b])}</title></polyline>')
    out.append('</g><g class="nodes">')
    for name, box in zip(cmap.nodes, boxes):
        x, y = box.x - box.width / 2, box.y - BOX_HEIGHT / 2
        out.append(f'<g><title>{escape(name)}</title><rect x="{x:g}" y="{y:g}" width="{box.width:g}" '
                   f'height="{BOX_HEIGHT}" rx="5" fill="#edf2f7" stroke="#2b6cb0"/>'
                   f'<text x="{box.x:g}" y="{box.y + FONT_SIZE / 3:g}" text-anchor="middle" fill="#1a202c">'
                   f'{escape(_short(name))}</text></g>')
    out.append("</g></svg>")
    return "".join(out)


def text_alternative_html(cmap: ConceptMap) -> str:
    """The edges as a list, for readers who cannot see the picture."""
    if not cmap.edges:
        concepts = ", ".join(escape(n) for n in cmap.nodes)
        return f"<p>Key concepts: {concepts}.</p>" if concepts else "<p>No key concepts.</p>"
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in cmap.edge_lines()) + "</ul>"


def figure_html(cmap: ConceptMap, title: str, id_prefix: str = "cm") -> str:
    """The map as a page shows it: the picture, a caption, and its edges as a list in a <details>."""
    return (f'<figure class="concept-map">{svg(cmap, title, id_prefix)}'
            f'<figcaption>{escape(title)}</figcaption>'
            f'<details class="concept-map-text"><summary>{escape(title)} as a list</summary>'
            f'{text_alternative_html(cmap)}</details></figure>')
