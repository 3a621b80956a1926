"""Stage 4 keeps stage 2's analyses of its pathway's documents only (services/modules/inputs.py
write_inputs): a pathway over a part of a large course does not hold what was said of every other
document; the content hashes its reuse and release notes compare are still of every document."""
from __future__ import annotations

import uuid

from services.modules.inputs import write_inputs
from shared.events.catalogue import CourseGenerationRequested, DocAnalysed, PathwaysGenerated
from tests.support.full_course import course_events


def _analysed_as(event: DocAnalysed, path: str) -> DocAnalysed:
    return event.model_copy(update={"event_id": str(uuid.uuid4()),
                                    "payload": event.payload.model_copy(update={"path": path})})


def _with_documents(event: PathwaysGenerated, documents: list[str]) -> PathwaysGenerated:
    pathway = event.payload.pathways[0]
    module = pathway.modules[0].model_copy(update={"documents": documents})
    pathway = pathway.model_copy(update={"modules": [module]})
    return event.model_copy(update={"payload": event.payload.model_copy(update={"pathways": [pathway]})})


def test_only_the_pathways_documents_analyses_are_kept():
    events = course_events("c1", "ref", 10)
    request = next(e for e in events if isinstance(e, CourseGenerationRequested))
    history = [_with_documents(e, ["docs/a.md", "docs/c.md"]) if isinstance(e, PathwaysGenerated) else e
               for e in events[:events.index(request) + 1]]
    analysed = next(e for e in events if isinstance(e, DocAnalysed))
    analyses = [_analysed_as(analysed, path) for path in ("docs/a.md", "docs/b.md", "docs/c.md", "docs/d.md")]

    inputs = write_inputs(history, request, analyses)

    assert inputs.pathway is not None and inputs.pathway.modules[0].documents == ["docs/a.md", "docs/c.md"]
    assert sorted(inputs.analyses) == ["docs/a.md", "docs/c.md"]
    assert inputs.analyses["docs/a.md"].content_hash == analysed.payload.content_hash
