"""The export says which version of the course it is: the course's index page (Markdown and site)
shows "Version N · built from commit abc1234" and, from the second version on, what changed since
the version before; every site page's footer names the version. Rendering checked on a small
export; the notes themselves checked end to end through stage 4 after a refresh."""
from __future__ import annotations

import io
import zipfile

import pytest

from services.modules.export.export import CourseExport, html_files, markdown_files
from services.modules.models import Citation, ContentSection, ModuleContent, ModuleSpec
from shared.events.catalogue import CourseGenerated, ModuleGenerated, RepoCloned
from tests.support.gitrepos import loom_repository, make_repo
from tests.support.living_course import LivingCourse

SHA = "abc1234def5678abc1234def5678abc1234def56"
MODULE = (ModuleSpec(module_id="m1", position=1, title="Weaving", documents=["docs/weave.md"]),
          ModuleContent(title="Weaving", introduction="How to weave.", sections=[ContentSection(
              title="Warp", body_markdown="The warp runs lengthwise.", source=Citation(path="docs/weave.md"))]))
REPO = loom_repository(documents=6, sentences=20, paragraphs=16)


def export(**release) -> CourseExport:
    return CourseExport(title="Loom course", modules=[MODULE], **release)


def test_the_index_pages_name_the_version_its_commit_and_what_changed():
    course = export(version=2, commit_sha=SHA, changelog=["Changed: docs/weave.md", "Module 1, Weaving: regenerated"])
    index = markdown_files(course)["index.md"]
    assert "*Version 2 · built from commit abc1234*" in index
    assert "## What changed in this version\n\n- Changed: docs/weave.md\n- Module 1, Weaving: regenerated" in index
    site = html_files(course)
    page = site["index.html"].decode()
    assert '<p class="meta release">Version 2 · built from commit abc1234</p>' in page
    assert "<h2>What changed in this version</h2><ul><li>Changed: docs/weave.md</li>" in page
    assert "Version 2 · built from commit abc1234." in site["modules/01-weaving.html"].decode()  # the footer


def test_a_first_version_has_no_changelog_and_an_unversioned_export_says_nothing_of_versions():
    first = markdown_files(export(version=1, commit_sha=SHA))["index.md"]
    assert "Version 1 · built from commit abc1234" in first and "What changed" not in first
    unknown_commit = markdown_files(export(version=1))["index.md"]
    assert "*Version 1*" in unknown_commit and "built from commit" not in unknown_commit
    for name, data in html_files(export()).items():
        assert b"Version" not in data and b"What changed" not in data, name


def test_changelog_lines_are_text_not_markup():
    course = export(version=2, changelog=["Added: docs/<script>x</script>.md", "Removed: docs/*bold*.md"])
    assert "<script>" not in html_files(course)["index.html"].decode()
    assert "*bold*" not in markdown_files(course)["index.md"]


@pytest.fixture
async def course(tmp_path) -> LivingCourse:
    make_repo(tmp_path / "loom", REPO)
    return await LivingCourse(tmp_path / "loom", tmp_path / "work").created()


async def index_of(course: LivingCourse, emitted) -> str:
    [generated] = [e for e in emitted if isinstance(e, CourseGenerated)]
    archive = zipfile.ZipFile(io.BytesIO(course.artefacts.objects[generated.payload.export_ref]))
    return archive.read("markdown/index.md").decode()


async def commit_of(course: LivingCourse) -> str:
    """The commit the course's last clone checked out, as the export abbreviates it."""
    cloned = (await course.events.load(course.id, only=[RepoCloned])).events[-1]
    return cloned.payload.commit_sha[:7]


async def test_a_refreshed_course_exports_as_the_next_version_with_its_changelog(course):
    pathway = await course.planned()
    first_request, first = await course.generated(pathway.pathway_id)
    first_index = await index_of(course, first)
    assert f"Version 1 · built from commit {await commit_of(course)}" in first_index
    assert "What changed" not in first_index

    changed = pathway.modules[0].documents[0]
    await course.changed({changed: REPO[changed] + "\nMore about the warp.\n"})
    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)

    index = await index_of(course, second)
    assert f"Version 2 · built from commit {await commit_of(course)}" in index
    assert "## What changed in this version" in index
    assert f"- Changed: {changed}" in index
    assert f"- Module 1, {pathway.modules[0].title}: regenerated" in index
    assert course.writer.written == [pathway.modules[0].module_id]
    assert len([e for e in second if isinstance(e, ModuleGenerated)]) == len(pathway.modules)
