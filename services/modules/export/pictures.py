"""The pictures of an export: the concept maps (shared/concept_map.py) of the course and of each
module, and the diagrams of the sources (```mermaid, ```dot and ```graphviz blocks) as stage 4 drew
them. A diagram block is written as its source with a note (`diagram_html`); a page's diagrams that
were drawn replace their block (`with_diagrams`), so a diagram no renderer could draw — none
installed, a syntax error — shows its source, never a broken box. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Iterable, Mapping, Sequence

from shared import linear_regex
from shared.concept_map import ConceptSource, concept_map, figure_html
from shared.course_labels import TABLE, Labels
from shared.diagrams import DIAGRAM_LANGUAGES, diagram_key

__all__ = ["DIAGRAM_LANGUAGES", "NOT_DRAWN", "Pictures", "concept_maps", "diagram_blocks", "diagram_html",
           "diagram_key", "texts_of", "with_diagrams"]
NOT_DRAWN = TABLE["diagram_not_drawn"]["en"]
_BLOCK = linear_regex.compile(r'(?s)<figure class="diagram" data-diagram="(?P<key>[0-9a-f]{24})">.*?</figure>')


@dataclass(frozen=True)
class Pictures:
    course_map: str = ""                                    # the course's concept map, as a <figure>
    module_maps: Mapping[str, str] = field(default_factory=dict)  # module id → its map, as a <figure>
    diagrams: Mapping[str, str] = field(default_factory=dict)     # diagram_key → the drawn SVG


def diagram_html(source: str, language: str) -> str:
    """A diagram's block before it is drawn: its source as code, with a note saying so."""
    return (f'<figure class="diagram" data-diagram="{diagram_key(language, source)}">'
            f'<figcaption class="diagram-note">{escape(NOT_DRAWN)}</figcaption>'
            f'<pre tabindex="0"><code class="language-{escape(language)}">{escape(source)}</code></pre></figure>')


def with_diagrams(html: str, diagrams: Mapping[str, str], note: str = NOT_DRAWN) -> str:
    """`html` with each diagram block that was drawn replaced by its picture, and the others' note
    in the course's language (`note`)."""
    if (not diagrams and note == NOT_DRAWN) or 'class="diagram"' not in html:
        return html

    def drawn(match: linear_regex.Match) -> str:
        svg = diagrams.get(match["key"])
        if svg is None:
            return match.group(0).replace(escape(NOT_DRAWN), escape(note), 1)
        return f'<figure class="diagram drawn" data-diagram="{match["key"]}">{svg}</figure>'
    return _BLOCK.sub(drawn, html)


def diagram_blocks(markdown: str) -> list[tuple[str, str]]:
    """The diagram blocks of a Markdown text, as (language, source)."""
    found, lines, i = [], markdown.split("\n"), 0
    while i < len(lines):
        line = lines[i].lstrip()
        fence = line[:3] if line[:3] in ("```", "~~~") else ""
        if not fence:
            i += 1
            continue
        marker = line[:len(line) - len(line.lstrip(fence[0]))]
        language = line[len(marker):].strip().split(" ")[0].lower() if line[len(marker):].strip() else ""
        body, i = [], i + 1
        while i < len(lines) and not (lines[i].strip().startswith(marker) and not lines[i].strip().strip(marker[0])):
            body.append(lines[i])
            i += 1
        i += 1
        if language in DIAGRAM_LANGUAGES:
            found.append((language, "\n".join(body)))
    return found


def concept_maps(modules: Sequence[tuple[str, Sequence[ConceptSource]]], course_title: str,
                 labels: Labels | None = None) -> tuple[str, dict[str, str]]:
    """The course's map and each module's (module id → <figure>), captioned in the course's labels."""
    labels = labels or Labels(None)
    everything = [doc for _, docs in modules for doc in docs]
    course = figure_html(concept_map(everything), labels("concept_map_of", title=course_title), "cm-course")
    return course, {module_id: figure_html(concept_map(docs, everything), labels.module_concept_map,
                                           f"cm-{n}")
                    for n, (module_id, docs) in enumerate(modules, start=1)}


def texts_of(contents: Iterable) -> Iterable[str]:
    """Every Markdown text of the modules' contents where a diagram block may stand."""
    for content in contents:
        yield content.introduction
        for section in content.sections:
            yield section.body_markdown
        yield content.conclusion
        yield content.summary
        for example in content.code_examples:
            if example.language.lower() in DIAGRAM_LANGUAGES:
                yield f"```{example.language.lower()}\n{example.code}\n```"
