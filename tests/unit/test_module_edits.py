"""Stage 4 and the author's edits: a module named in `regenerate` is written anew though it could be
reused; every version's export presents the edits made up to its request (renamed, reordered,
removed, merged, text replaced) while the modules announced stay what was written; the version's
changelog tells the edits and says when an edited module's sources changed under it. Driven through
the real stage handlers over in-memory stores (tests/support/living_course.py)."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from shared.course_versions import course_versions
from shared.events import Event
from shared.events.catalogue import (
    CourseGenerated, EditUndone, ModuleEdited, ModuleGenerated, ModuleRemoved, ModulesMerged, ModulesReordered,
    StageFailed,
)
from tests.support.gitrepos import loom_repository, make_repo
from tests.support.living_course import LivingCourse

REPO = loom_repository(documents=6, sentences=20, paragraphs=16)  # planned as three modules


@pytest.fixture
async def course(tmp_path) -> LivingCourse:
    make_repo(tmp_path / "loom", REPO)
    return await LivingCourse(tmp_path / "loom", tmp_path / "work").created()


def modules(emitted: list[Event]) -> dict[str, ModuleGenerated]:
    return {e.payload.module_id: e for e in emitted if isinstance(e, ModuleGenerated)}


def export_of(course: LivingCourse, emitted: list[Event]) -> zipfile.ZipFile:
    assert not [e for e in emitted if isinstance(e, StageFailed)], [e.payload for e in emitted]
    [generated] = [e for e in emitted if isinstance(e, CourseGenerated)]
    return zipfile.ZipFile(io.BytesIO(course.artefacts.objects[generated.payload.export_ref]))


def pages(archive: zipfile.ZipFile) -> list[str]:
    return sorted(n.removeprefix("markdown/modules/") for n in archive.namelist() if n.startswith("markdown/modules/"))


async def test_a_module_named_in_regenerate_is_written_anew_and_the_others_reused(course):
    pathway = await course.planned()
    first_request, first = await course.generated(pathway.pathway_id)
    again = pathway.modules[1].module_id

    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id,
                                       regenerate=(again,))

    export_of(course, second)
    assert course.writer.written == [again]
    then, now = modules(first), modules(second)
    for module_id, module in now.items():
        same = (module.payload.content_ref == then[module_id].payload.content_ref)
        assert same == (module_id != again), module_id
    [_, version] = course_versions((await course.events.load(course.id)).events)
    assert [m.module_id for m in version.changelog.modules_regenerated] == [again]


async def test_the_export_presents_the_edits_made_up_to_its_request(course):
    pathway = await course.planned()
    first_request, first = await course.generated(pathway.pathway_id)
    one, two, three = (m.module_id for m in pathway.modules)
    await course.add(ModuleEdited, module_id=two, fields={"title": "Setting up the loom",
                                                          "summary": "Edited by the author: warp first."})
    await course.add(ModulesReordered, module_ids=[two, one, three])
    removal = await course.add(ModuleRemoved, module_id=three)

    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)

    assert course.writer.written == [], "edits cost no provider call: every module is reused"
    assert modules(second)[two].payload.content_ref == modules(first)[two].payload.content_ref, \
        "what stage 4 announces stays what it wrote; the edits are on top"
    archive = export_of(course, second)
    index = archive.read("markdown/index.md").decode()
    listed = index.split("## Modules")[1]
    assert listed.index("1. [Setting up the loom]") < listed.index(f"2. [{pathway.modules[0].title}")
    assert pathway.modules[2].title not in listed, "the removed module is not listed"
    assert pages(archive)[0] == "01-setting-up-the-loom.md" and len(pages(archive)) == 2
    assert "Edited by the author: warp first." in archive.read("markdown/modules/01-setting-up-the-loom.md").decode()
    assert f"- Module 2 ({pathway.modules[1].title}) edited (title, summary) by alice" in index
    assert "- Modules reordered by alice" in index
    assert f"- Module 3 ({pathway.modules[2].title}) removed by alice" in index

    await course.add(EditUndone, edit_event_id=removal.event_id)
    _, third = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)
    archive = export_of(course, third)
    assert len(pages(archive)) == 3
    assert f"- Undone by alice: module 3 ({pathway.modules[2].title}) removed" in archive.read(
        "markdown/index.md").decode()


async def test_a_merge_folds_the_modules_sections_into_one_page(course):
    pathway = await course.planned()
    first_request, first = await course.generated(pathway.pathway_id)
    one, two, _ = (m.module_id for m in pathway.modules)
    await course.add(ModulesMerged, into=one, merged=[two], title="Loom basics")

    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)

    archive = export_of(course, second)
    assert pages(archive)[0] == "01-loom-basics.md" and len(pages(archive)) == 2
    merged_page = archive.read("markdown/modules/01-loom-basics.md").decode()
    written = {m: course.artefacts.objects[e.payload.content_ref].decode() for m, e in modules(first).items()}
    for module_id in (one, two):
        for section in json.loads(written[module_id])["sections"]:
            assert section["title"] in merged_page


async def test_an_edited_module_whose_sources_changed_keeps_its_edits_and_the_changelog_says_so(course):
    pathway = await course.planned()
    first_request, _ = await course.generated(pathway.pathway_id)
    edited = pathway.modules[0]
    await course.add(ModuleEdited, module_id=edited.module_id, fields={"introduction": "The author's own words."})
    changed = edited.documents[0]
    await course.changed({changed: REPO[changed] + "\n## Tension\n\nCheck the tension with `loom tension`.\n"})

    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)

    assert course.writer.written == [edited.module_id], "the module is written anew from its changed sources"
    archive = export_of(course, second)
    page = archive.read(f"markdown/modules/{pages(archive)[0]}")
    assert "The author's own words." in page.decode(), "the edited field stays on top of the new text"
    assert "loom tension" in page.decode(), "the fields not edited are the new text"
    line = f"Module 1, {edited.title}: edited; its sources changed under it (the author's edits stay on top)"
    assert f"- {line}" in archive.read("markdown/index.md").decode()
    [_, version] = course_versions((await course.events.load(course.id)).events)
    assert line in version.changelog.lines()
    assert "module 1 edited; its sources changed under it" in version.changelog.summary()
