"""The documentation of a small web framework as stage 3 sees it, before and after the repository
changed, for carrying a pathway forward (services/pathway/engine/adapt.py): each document as an
analysis, the navigation giving the reading order (a document added to it moves the later ones
along, as a real navigation does), and the engine's own pathways over it under event ids."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from services.pathway.handlers import pathways_payload
from shared.events.catalogue import Pathway

TARGET_MINUTES = 45


@dataclass(frozen=True)
class Page:
    """One documentation page; where it sits in the navigation comes from the list holding it."""
    path: str
    title: str
    doc_type: str
    level: str
    minutes: int
    concepts: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    in_navigation: bool = True
    objectives: tuple[str, ...] = field(default=())

    def analysis(self, navigation_index: int | None) -> PathwayDocument:
        return PathwayDocument(
            path=self.path, title=self.title, doc_type=self.doc_type, complexity_level=self.level,
            key_concepts=list(self.concepts), prerequisites=list(self.requires),
            related_documents=list(self.related), reading_minutes=self.minutes, word_count=self.minutes * 220,
            learning_objectives=list(self.objectives) or [f"Use {self.title.lower()}"],
            summary=f"{self.title} in Skyline. It explains the details with examples.",
            navigation_index=navigation_index if self.in_navigation else None)


INSTALL = "docs/installation.md"
ROUTING = "docs/routing/index.md"
TEMPLATES = "docs/templates/index.md"
PAGES = [
    Page("README.md", "Skyline overview", "overview", "beginner", 4, ("web framework", "request handler")),
    Page(INSTALL, "Installation", "how-to", "beginner", 5, ("installation", "virtual environment")),
    Page("docs/tutorial/first-app.md", "Your first app", "tutorial", "beginner", 18,
         ("request handler", "development server"), (INSTALL,)),
    Page("docs/concepts/architecture.md", "Architecture", "concept", "intermediate", 10,
         ("request lifecycle", "request handler", "application object")),
    Page(ROUTING, "Routing", "concept", "beginner", 8, ("routing", "route")),
    Page("docs/routing/patterns.md", "Route patterns", "guide", "intermediate", 9,
         ("route pattern", "routing", "url converter"), (ROUTING,)),
    Page("docs/routing/middleware.md", "Middleware", "guide", "intermediate", 10,
         ("middleware", "request lifecycle"), (ROUTING,)),
    Page(TEMPLATES, "Templates", "concept", "beginner", 8, ("template", "template context")),
    Page("docs/templates/filters.md", "Template filters", "guide", "intermediate", 7,
         ("template filter", "template"), (TEMPLATES,)),
    Page("docs/templates/inheritance.md", "Template inheritance", "guide", "intermediate", 8,
         ("template inheritance", "template"), (TEMPLATES,)),
    Page("docs/deployment/docker.md", "Deploying with Docker", "how-to", "intermediate", 12,
         ("docker", "deployment"), (INSTALL,)),
    Page("docs/deployment/kubernetes.md", "Deploying on Kubernetes", "how-to", "advanced", 15,
         ("kubernetes", "deployment"), ("docs/deployment/docker.md",)),
    Page("docs/reference/api.md", "API reference", "api", "advanced", 25,
         ("application object", "route", "template context")),
    Page("CHANGELOG.md", "Changelog", "changelog", "intermediate", 5, ("releases",), in_navigation=False),
]

# Pages a later commit adds.
ROUTE_PARAMETERS = Page("docs/routing/parameters.md", "Route parameters", "guide", "intermediate", 6,
                        ("route parameter", "routing", "url converter"), (ROUTING,))
PLUGINS = [
    Page("docs/plugins/writing.md", "Writing a plugin", "how-to", "advanced", 9, ("plugin", "plugin hook")),
    Page("docs/plugins/publishing.md", "Publishing a plugin", "how-to", "advanced", 6,
         ("plugin", "package index"), ("docs/plugins/writing.md",)),
]


def analysed(pages: list[Page]) -> list[PathwayDocument]:
    """The pages' analyses, the navigation listing them in the order given."""
    listed = [page for page in pages if page.in_navigation]
    return [page.analysis(listed.index(page) if page.in_navigation else None) for page in pages]


def page(path: str) -> Page:
    return next(p for p in PAGES if p.path == path)


def without(*paths: str) -> list[Page]:
    return [p for p in PAGES if p.path not in paths]


def inserted_after(path: str, *new: Page, pages: list[Page] | None = None) -> list[Page]:
    """The pages with `new` listed in the navigation right after `path`."""
    pages = list(PAGES if pages is None else pages)
    at = [p.path for p in pages].index(path) + 1
    return pages[:at] + list(new) + pages[at:]


def changed(path: str, **fields) -> list[Page]:
    return [replace(p, **fields) if p.path == path else p for p in PAGES]


def planned_pathways(pages: list[Page], task_id: str = "plan-1", count: int = 3) -> list[Pathway]:
    """The engine's pathways over `pages`, with the ids stage 3 gives them in run `task_id`."""
    plan = plan_pathways(analysed(pages), count=count, overview="README.md", target_minutes=TARGET_MINUTES)
    return [Pathway.model_validate(p) for p in pathways_payload(task_id, plan)]


def pathway(key: str, pages: list[Page] | None = None) -> Pathway:
    return next(p for p in planned_pathways(PAGES if pages is None else pages, count=6) if p.key == key)


def discovered_files(pages: list[Page]) -> list[dict]:
    """Stage 1's file list for `pages` (RepoFilesDiscovered), the navigation as listed."""
    listed = [page for page in pages if page.in_navigation]
    return [{"path": page.path, "size": page.minutes * 1500, "is_documentation": True,
             "navigation_index": listed.index(page) if page.in_navigation else None} for page in pages]


def analyses(pages: list[Page], task_id: str) -> list[dict]:
    """Stage 2's DocAnalysed payloads for `pages` in run `task_id`."""
    return [{"task_id": task_id, "path": d.path, "title": d.title, "doc_type": d.doc_type,
             "complexity_level": d.complexity_level, "key_concepts": d.key_concepts,
             "learning_objectives": d.learning_objectives, "summary": d.summary, "prerequisites": d.prerequisites,
             "related_documents": d.related_documents, "word_count": d.word_count,
             "reading_minutes": d.reading_minutes, "content_hash": f"sha-{d.path}", "position": n}
            for n, d in enumerate(analysed(pages))]
