"""Includes read from the repository snapshot (issue 19): stage 1 packs the files documentation
includes beside it (code outside the documentation globs too, within bounds, never through a
symlink or from `.git`), `load_documents` hands each document's included files to the parser
child, and a module stage 4 writes shows an included file's code where the document includes it.
Through the real handlers: a local git repository cloned by stage 1, analysed, planned, written."""
from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import uuid

from services.doc_analyser.handlers import analysis_stage
from services.doc_analyser.settings import DocAnalyserSettings
from services.modules.handlers import modules_stage
from services.modules.settings import ModulesSettings
from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from services.repo_clone.handlers import clone_stage
from services.repo_clone.included_files import included_files
from services.repo_clone.scanner import scan
from services.repo_clone.settings import RepoCloneSettings
from services.repo_clone.snapshot import pack_documents
from shared.docs.includes import MAX_INCLUDED_FILE_BYTES
from shared.docs.loading import load_documents
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseGenerated, CourseGenerationRequested, DocsAnalysed, DocsAnalysisRequested,
    FoldersSelected, ModuleGenerated, PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested,
)
from shared.stage.emitter import StageEmitter
from tests.support.fakes import (
    MemoryAnalysisCache, MemoryArtefactStore, MemoryEventStore, MemorySecretStore, MemorySnapshotStore,
)
from tests.support.gitrepos import make_repo, write_files

HELLO = "import skyline\n\n\ndef main():\n    skyline.draw(city=\"Lisbon\", height=300)\n"
TOWERS = "class Tower:\n    def __init__(self, floors):\n        self.floors = floors\n"
REPO = {
    "docs/index.md": "# Skyline\n\nSkyline draws the skyline of a city from open map data.\n\n"
                     "Skylines are drawn from buildings, and each building has a height.\n",
    "docs/drawing.md": "# Drawing a skyline\n\nA drawing starts from a city and a height limit.\n\n"
                       "Call the draw function with a city name:\n\n```python\n--8<-- \"examples/hello.py\"\n```\n\n"
                       "The drawing is saved as an image next to the script.\n\n"
                       "--8<-- \"docs/snippets/colours.md\"\n",
    "docs/snippets/colours.md": "Colours follow the time of day, from dawn to night.\n",
    "docs/towers.rst": "Towers\n======\n\nA tower is a building taller than its neighbours.\n\n"
                       ".. literalinclude:: ../src/skyline/towers.py\n   :language: python\n   :pyobject: Tower\n\n"
                       "Towers are drawn last, so they stand in front.\n",
    "examples/hello.py": HELLO,
    "src/skyline/towers.py": TOWERS,
    "src/skyline/unused.py": "print('never included')\n",
}


def archive_of(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            member = tarfile.TarInfo(path)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def names_in(archive: bytes) -> set[str]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return set(tar.getnames())


# --- stage 1: what the snapshot holds -------------------------------------------------------------

def test_the_snapshot_holds_the_files_documentation_includes_even_outside_the_documentation_globs(tmp_path):
    make_repo(tmp_path, REPO)
    result = scan(tmp_path, include=["docs/**"])
    archive = pack_documents(tmp_path, result.files)
    assert names_in(archive) == {"docs/index.md", "docs/drawing.md", "docs/snippets/colours.md", "docs/towers.rst",
                                 "examples/hello.py", "src/skyline/towers.py"}


def test_stage1_packs_no_symlink_no_git_file_nothing_excluded_too_large_or_binary(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("password=hunter2\n")
    root = tmp_path / "repo"
    targets = ["../outside/secret.txt", "linked/secret.txt", "linkdir/secret.txt", ".git/config", "private/keys.md",
               "big.py", "logo.png", "nested/one.md", "../../etc/passwd"]
    write_files(root, {"docs/a.md": "".join(f'--8<-- "{t}"\n\n' for t in targets),
                       "big.py": "x = 1\n" * (MAX_INCLUDED_FILE_BYTES // 6 + 10),
                       "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
                       "private/keys.md": "do not pack\n", ".git/config": "[core]\n",
                       "nested/one.md": '--8<-- "nested/two.md"\n', "nested/two.md": '--8<-- "nested/three.md"\n',
                       "nested/three.md": '--8<-- "nested/four.md"\n', "nested/four.md": "too deep\n"})
    (root / "linked").mkdir()
    os.symlink(outside / "secret.txt", root / "linked" / "secret.txt")
    os.symlink(outside, root / "linkdir")
    assert included_files(root, ["docs/a.md"], exclude=["private"]) == [
        "nested/one.md", "nested/three.md", "nested/two.md"]        # three levels, no fourth


# --- stages 2 and 4: documents loaded with their includes ----------------------------------------

def test_each_document_is_parsed_with_the_files_it_includes_and_its_hash_covers_them():
    files = {**REPO, "docs/plain.md": "# Plain\n\nNothing included here.\n"}
    paths = ["docs/drawing.md", "docs/towers.rst", "docs/plain.md"]
    documents, problems = load_documents(archive_of(files), paths, {}, 1_000_000)
    assert problems == {}
    drawing, towers = documents["docs/drawing.md"].parsed, documents["docs/towers.rst"].parsed
    assert [(b.language, b.code) for b in drawing.code_blocks] == [("python", HELLO.strip())]
    assert "Colours follow the time of day" in drawing.text      # not selected, still included
    assert [(b.language, b.code) for b in towers.code_blocks] == [("python", TOWERS.strip())]
    assert documents["docs/plain.md"].content_hash == hashlib.sha256(files["docs/plain.md"].encode()).hexdigest()
    changed, _ = load_documents(archive_of({**files, "examples/hello.py": HELLO + "# changed\n"}), paths, {}, 1_000_000)
    assert changed["docs/drawing.md"].content_hash != documents["docs/drawing.md"].content_hash
    assert changed["docs/towers.rst"].content_hash == documents["docs/towers.rst"].content_hash


def test_a_snapshot_without_the_included_file_leaves_the_note():
    files = {path: text for path, text in REPO.items() if path != "examples/hello.py"}
    documents, _ = load_documents(archive_of(files), ["docs/drawing.md"], {}, 1_000_000)
    drawing = documents["docs/drawing.md"].parsed
    assert drawing.code_blocks == ()
    assert "*An included file (`examples/hello.py`) is not shown here; see the source.*" in \
        "\n".join(s.markdown for s in drawing.sections)


# --- through the stage handlers -------------------------------------------------------------------

class Course:
    """One course over in-memory stores, driven through the four real stage handlers."""

    def __init__(self, repo: str, tmp_path) -> None:
        self.id, self.repo = f"c{uuid.uuid4().hex[:12]}", repo
        self.events, self.snapshots, self.artefacts = MemoryEventStore(), MemorySnapshotStore(), MemoryArtefactStore()
        emitter = lambda actor, stage: StageEmitter(self.events, actor, stage)  # noqa: E731
        self.clone = clone_stage(emitter("repo_clone", "stage1"), self.snapshots, MemorySecretStore(),
                                 RepoCloneSettings(allow_local_repos=True, work_dir=str(tmp_path)))
        self.analyse = analysis_stage(emitter("doc_analyser", "stage2"), self.snapshots.read_archive,
                                      MemoryAnalysisCache(), DocAnalyserSettings(llm_provider="offline"))
        self.plan = pathway_stage(emitter("pathway", "stage3"), PathwaySettings(llm_provider="offline"))
        self.write = modules_stage(emitter("modules", "stage4"), self.snapshots.read_archive,
                                   self.artefacts, ModulesSettings(llm_provider="offline"))

    async def add(self, cls: type[Event], **payload) -> Event:
        event = cls(course_id=self.id, actor="alice", payload=payload)
        await self.events.publish(event)
        return event

    async def run(self, handler, cls: type[Event], answer: type[Event], **payload) -> list[Event]:
        """The events the request made the handler emit, `answer` among them."""
        request = await self.add(cls, task_id=uuid.uuid4().hex, **payload)
        await handler.handle(request)
        emitted = self.events.caused_by(request)
        assert any(isinstance(e, answer) for e in emitted), [e.event_type for e in emitted]
        return emitted


def last(events: list[Event], cls: type[Event]) -> Event:
    return [e for e in events if isinstance(e, cls)][-1]


async def test_a_module_shows_the_code_a_document_includes_from_outside_the_documentation(tmp_path):
    make_repo(tmp_path / "skyline", REPO)
    course = Course(str(tmp_path / "skyline"), tmp_path / "work")
    await course.add(CourseCreated, owner_id="alice", title="Skyline course", description="")
    cloned = last(await course.run(course.clone, RepoCloneRequested, RepoCloned, repo_url=course.repo,
                                   include=["docs/**"]), RepoCloned)
    await course.add(FoldersSelected, selected_folders=["docs"], overview_document=None)
    analysed = last(await course.run(course.analyse, DocsAnalysisRequested, DocsAnalysed,
                                     complexity_level="beginner", clone_task_id=cloned.payload.task_id), DocsAnalysed)
    planned = last(await course.run(course.plan, PathwaysRequested, PathwaysGenerated,
                                    analysis_task_id=analysed.payload.task_id, pathway_count=1), PathwaysGenerated)
    pathway = planned.payload.pathways[0]
    emitted = await course.run(course.write, CourseGenerationRequested, CourseGenerated, pathway_id=pathway.pathway_id)
    modules = [e for e in emitted if isinstance(e, ModuleGenerated)]
    assert len(modules) == len(pathway.modules)
    stored = [json.loads(await course.artefacts.get(m.payload.content_ref)) for m in modules]
    content = json.dumps(stored, ensure_ascii=False)      # every text of every module
    assert 'skyline.draw(city=\\"Lisbon\\", height=300)' in content and "self.floors = floors" in content
    assert "--8<--" not in content and "literalinclude" not in content and "not shown here" not in content
