"""Stage 4 holds the modules being written or exported, not every module's content until the last
format is built: each module, once written, waits on disk (services/modules/written_modules.py) and
is read back when a page of the export needs it. Counted (live ModuleContent objects while the
writer is asked for a module, and while the zip makes each of its files: tests/support/live_objects.py),
not measured in bytes. Driven through the real stage handlers over in-memory stores."""
from __future__ import annotations

from services.modules.export import export as zip_export
from services.modules.export import formats
from services.modules.models import ModuleContent, ModuleSpec
from services.modules.written_modules import RECENT, WrittenModules
from shared.events.catalogue import CourseGenerated, ModuleGenerated, StageFailed
from tests.support import living_course
from tests.support.gitrepos import loom_repository, make_repo
from tests.support.live_objects import live
from tests.support.living_course import LivingCourse

DOCUMENTS = 24


async def test_written_modules_wait_on_disk_while_others_are_written_and_exported(tmp_path, monkeypatch):
    monkeypatch.setenv("MODULE_CONCURRENCY", "1")
    make_repo(tmp_path / "loom", loom_repository(documents=DOCUMENTS, sentences=40, paragraphs=8))
    course = await LivingCourse(tmp_path / "loom", tmp_path / "work").created()
    pathway = await course.planned()
    modules = len(pathway.modules)
    assert modules > 2 * RECENT  # more modules than the export keeps at hand
    already = live(ModuleContent)  # held by other tests of this process
    while_writing: list[int] = []
    while_exporting: list[int] = []
    asked = living_course.CountingModuleWriter.complete

    async def counted(self, prompt, schema):
        while_writing.append(live(ModuleContent) - already)
        return await asked(self, prompt, schema)

    def counted_zip(course_export, out) -> None:
        entries = zip_export.export_entries(course_export)

        def counting(make):
            def made():
                while_exporting.append(live(ModuleContent) - already)
                return make()
            return made

        zip_export.write_zip(out, {name: counting(make) for name, make in entries.items()})

    monkeypatch.setattr(living_course.CountingModuleWriter, "complete", counted)
    monkeypatch.setitem(formats.WRITERS, "zip", counted_zip)
    _, emitted = await course.generated(pathway.pathway_id)

    assert not [e for e in emitted if isinstance(e, StageFailed)], [e.payload for e in emitted]
    assert [e for e in emitted if isinstance(e, CourseGenerated)]
    assert len([e for e in emitted if isinstance(e, ModuleGenerated)]) == modules
    assert len(while_writing) == modules and while_exporting
    # The modules written before this one are on disk: holding them, the count would climb to
    # one less than the course's modules.
    assert max(while_writing) <= 1, while_writing
    # The pages keep what links to them need (title, sections' sources), not their content: the few
    # read last, and the one being written.
    assert max(while_exporting) <= RECENT + 1 < modules, while_exporting


def _content(n: int) -> ModuleContent:
    return ModuleContent.model_validate({
        "title": f"Module {n}", "introduction": f"Why module {n} matters.",
        "learning_objectives": [f"Use part {n}"],
        "sections": [{"title": f"Part {n}", "body_markdown": f"Part {n} in detail.",
                      "source": {"path": f"docs/p{n}.md"}}],
        "summary": f"Module {n} in short."})


def test_written_modules_read_back_as_kept_in_the_pathways_order():
    specs = [ModuleSpec(module_id=f"m{n}", position=n + 1, title=f"Module {n}", description="",
                        learning_objectives=[], documents=[f"docs/p{n}.md"], estimated_minutes=5,
                        complexity_level="beginner") for n in range(RECENT * 2 + 1)]
    with WrittenModules(specs) as written:
        for n in reversed(range(len(specs))):  # finished in any order
            written.keep(n, _content(n))
        assert len(written) == len(specs)
        assert [spec.module_id for spec, _ in written] == [spec.module_id for spec in specs]
        assert [content for _, content in written] == [_content(n) for n in range(len(specs))]
        assert written[-1] == (specs[-1], _content(len(specs) - 1))
        assert [c.title for _, c in written[1:3]] == ["Module 1", "Module 2"]
        written.keep(0, _content(99))  # kept again after it was read: the new one is read, not the one at hand
        assert written.content(0) == _content(99)
