"""Stage 4 holds the sources of the modules being written, not every parsed document of the course:
the sources are parsed before the first module and wait on disk (services/modules/spilled_sources.py),
each read back when a module citing it is written. Counted (live SourceDoc objects while the writer
is asked for a module, tests/support/live_objects.py), not measured in bytes. Driven through
the real stage handlers over in-memory stores (tests/support/living_course.py)."""
from __future__ import annotations

from services.modules.engine.sources import SourceDoc
from services.modules.spilled_sources import SpilledSources
from shared.events.catalogue import CourseGenerated, ModuleGenerated, StageFailed
from tests.support import living_course
from tests.support.archives import archive_of
from tests.support.gitrepos import loom_repository, make_repo
from tests.support.live_objects import live
from tests.support.living_course import LivingCourse

DOCUMENTS = 24


async def test_only_the_sources_of_the_modules_being_written_are_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("MODULE_CONCURRENCY", "1")  # one module at a time: a bound below the course's documents
    make_repo(tmp_path / "loom", loom_repository(documents=DOCUMENTS, sentences=12, paragraphs=6))
    course = await LivingCourse(tmp_path / "loom", tmp_path / "work").created()
    pathway = await course.planned()
    assert sum(len(module.documents) for module in pathway.modules) >= DOCUMENTS
    already = live(SourceDoc)  # held by other tests of this process
    live_while_writing: list[int] = []
    asked = living_course.CountingModuleWriter.complete

    async def counted(self, prompt, schema):
        live_while_writing.append(live(SourceDoc) - already)
        return await asked(self, prompt, schema)

    monkeypatch.setattr(living_course.CountingModuleWriter, "complete", counted)
    _, emitted = await course.generated(pathway.pathway_id)

    assert not [e for e in emitted if isinstance(e, StageFailed)], [e.payload for e in emitted]
    assert [e for e in emitted if isinstance(e, CourseGenerated)]
    assert len([e for e in emitted if isinstance(e, ModuleGenerated)]) == len(pathway.modules)
    assert len(live_while_writing) == len(pathway.modules)
    # At most the sources of the module being written; every document would be here if the
    # sources were held until the last module is written.
    widest = max(len(module.documents) for module in pathway.modules)
    assert max(live_while_writing) <= widest < DOCUMENTS, (live_while_writing, widest)


def test_spilled_sources_come_back_whole_and_carry_their_analysis(tmp_path):
    files = loom_repository(documents=3, sentences=4, paragraphs=2)
    archive = archive_of(files)
    paths = sorted(p for p in files if p.startswith("docs/"))
    sources, problems = SpilledSources.parsed(archive, paths + ["docs/missing.md"], {}, 1_000_000, {})
    try:
        assert list(problems) == ["docs/missing.md"]
        assert len(sources) == 3 and all(path in sources for path in paths)
        for path in paths:
            source = sources[path]
            assert source.path == path and source.raw_text == files[path] and source.doc_type == "other"
            assert sources[path] == source  # read again, the same
        sources.pop(paths[0])
        assert paths[0] not in sources and [s.path for s in sources.values()] == paths[1:]
    finally:
        sources.close()

