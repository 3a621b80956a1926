"""A real course to export: a committed book's documents (tests/fixtures/ordered_books) written by
the offline engines as the stages write it, as the CourseExport stage 4 exports — its modules with
sections, code examples and every kind of question the engine asks."""
from __future__ import annotations

from functools import lru_cache

from services.modules.export.export_model import OFFLINE, CourseExport
from tests.support.committed_docs import committed_docs
from tests.support.offline_course import offline_course


@lru_cache(maxsize=4)
def exported_course(book: str = "attrs") -> CourseExport:
    texts = {path: text for path, text in committed_docs().items() if path.startswith(f"{book}/")}
    course = offline_course(texts)
    pathway = course.plan.pathways[0]
    return CourseExport(title=f"The {book} course", description=f"Learn {book} from its documentation.",
                        pathway_title=pathway.title, pathway_description=pathway.description,
                        modules=list(zip(course.specs, course.contents)), engine=OFFLINE, version=2,
                        commit_sha="0123456789abcdef0123456789abcdef01234567",
                        changelog=("Module 2 was written anew.",))
