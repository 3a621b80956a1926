"""A course's pictures for its export: the concept maps from stage 2's analyses, and its diagrams
drawn by the renderers installed here (diagram_renderer.py)."""
from __future__ import annotations

from typing import Mapping, Sequence

from shared.cpu_lane import on_cpu_lane
from shared.concept_map import ConceptSource
from shared.course_labels import Labels
from shared.diagrams import diagrams_artefact

from .diagram_renderer import draw_diagrams
from .export.pictures import Pictures, concept_maps, diagram_blocks, texts_of
from .inputs import SourceAnalysis
from .models import ModuleContent, ModuleSpec


def course_diagram_blocks(modules: Sequence[tuple[ModuleSpec, ModuleContent]]) -> list:
    """Every diagram block of the course's modules, in order. Blocking (the modules may be read
    back from disk): call from a thread."""
    return [block for _, content in modules for text in texts_of([content]) for block in diagram_blocks(text)]


async def course_pictures(modules: Sequence[tuple[ModuleSpec, ModuleContent]], blocks: list,
                          analyses: Mapping[str, SourceAnalysis], title: str, labels: Labels | None = None) -> Pictures:
    """`blocks`: the modules' diagram blocks (course_diagram_blocks)."""
    diagrams = await draw_diagrams(blocks) if blocks else {}
    sources = [(spec.module_id, [ConceptSource(path, a.key_concepts, a.prerequisite_concepts)
                                 for path in spec.documents if (a := analyses.get(path)) is not None])
               for spec, _ in modules]
    course_map, module_maps = await on_cpu_lane(concept_maps, sources, title, labels)
    return Pictures(course_map, module_maps, diagrams)


def kept_diagrams(blocks: list, pictures: Pictures) -> bytes:
    """The run's drawn diagrams (of the course's `blocks`: course_diagram_blocks) as the gateway
    serves them to the web reader (shared/diagrams.py)."""
    return diagrams_artefact(blocks, pictures.diagrams)
