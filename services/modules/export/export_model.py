"""What an export is made of: the course, its modules in order with their file names, and the
rules both renderings (Markdown folder, HTML site) share about links and code examples."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from ..markdown_text import url_scheme
from ..models import CodeExample, ContentSection, ModuleContent, ModuleSpec


@dataclass(frozen=True)
class CourseExport:
    title: str
    description: str = ""
    pathway_title: str = ""
    pathway_description: str = ""
    pathway_objectives: Sequence[str] = ()
    modules: Sequence[tuple[ModuleSpec, ModuleContent]] = ()    # in the pathway's order


@dataclass(frozen=True)
class ModulePage:
    number: int             # 1-based place in the export
    spec: ModuleSpec
    content: ModuleContent
    stem: str               # "01-getting-started": the file name without extension


def module_pages(course: CourseExport) -> list[ModulePage]:
    return [ModulePage(n, spec, content, f"{n:02d}-{slug(content.title or spec.title)}")
            for n, (spec, content) in enumerate(course.modules, start=1)]


def neighbours(pages: Sequence[ModulePage], page: ModulePage) -> tuple[ModulePage | None, ModulePage | None]:
    index = page.number - 1
    return (pages[index - 1] if index > 0 else None, pages[index + 1] if index + 1 < len(pages) else None)


def slug(title: str) -> str:
    """ASCII, lower case, hyphens: safe as a file name on every system and in a URL."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:48].strip("-") or "module"


def content_link_ok(url: str) -> bool:
    """Links inside generated content: only absolute web and mail links. Relative links in the
    documents point into the repository, which the export does not contain."""
    return url_scheme(url) in ("http", "https", "mailto")


def fence_language(language: str) -> str:
    return re.sub(r"[^a-z0-9+#-]", "", language.strip().lower())[:30]


def module_meta(spec: ModuleSpec) -> str:
    minutes = f"About {spec.estimated_minutes} minutes · " if spec.estimated_minutes else ""
    return f"{minutes}{spec.complexity_level.capitalize()}"


def examples_by_section(content: ModuleContent) -> tuple[list[tuple[ContentSection, list[CodeExample]]],
                                                         list[CodeExample]]:
    """Each section with the code examples taken from it (shown right under it), and the
    examples that match no section (shown together after the content)."""
    placed: dict[int, list[CodeExample]] = {n: [] for n in range(len(content.sections))}
    loose = []
    for example in content.code_examples:
        home = next((n for n, section in enumerate(content.sections) if section.source == example.source),
                    None)
        (placed[home] if home is not None else loose).append(example)
    return [(section, placed[n]) for n, section in enumerate(content.sections)], loose

