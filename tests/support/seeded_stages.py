"""A course's stages as their services would have recorded them, published straight into the log
of a running gateway (its container's JetStream) and projected before returning: a finished scan,
a finished document analysis, finished pathways. Selections are made through the REST API."""
from __future__ import annotations

from shared.bus.eventstore import EventStore
from shared.events import Event
from shared.events.catalogue import (
    DocAnalysed, DocsAnalysed, DocsAnalysisRequested, PathwaysGenerated, PathwaysRequested, RepoCloned,
    RepoCloneRequested, RepoFilesDiscovered,
)

REPO = "https://93.184.216.34/owner/repo.git"  # a public IP literal: accepted without DNS


async def publish(c, events: list[Event]) -> None:
    store = EventStore(c.js)
    seq = 0
    for event in events:
        seq = (await store.publish(event)).stream_seq
    assert await c.projector.wait_for(seq, 30)


async def scanned(c, course_id: str, files: dict[str, int], task: str = "scan1", snapshot: str = "snap1") -> None:
    """Stage 1 succeeded: `files` (path -> size) are the repository's documentation files."""
    listed = [{"path": path, "size": size, "is_documentation": True} for path, size in files.items()]
    await publish(c, [
        RepoCloneRequested(course_id=course_id, actor="alice", payload={"task_id": task, "repo_url": REPO}),
        RepoFilesDiscovered(course_id=course_id, actor="repo_clone", payload={
            "task_id": task, "chunk_index": 0, "chunk_count": 1, "files": listed}),
        RepoCloned(course_id=course_id, actor="repo_clone", payload={
            "task_id": task, "repo_url": REPO, "repo_name": "repo", "commit_sha": "0" * 40,
            "file_count": len(listed), "documentation_count": len(listed), "chunk_count": 1,
            "snapshot_ref": snapshot}),
    ])


async def analysed(c, course_id: str, paths: list[str], provider: str, model: str, complexity_level: str,
                   clone_task: str = "scan1", task: str = "analysis1", calls_each: int = 1) -> None:
    """Stage 2 succeeded on the scan `clone_task`: the model analysed each of `paths` (in
    `calls_each` requests, repairs included), 300 output tokens in all."""
    usage = {"provider": provider, "model": model, "input_tokens": 900, "output_tokens": 300, "calls": 1}
    await publish(c, [
        DocsAnalysisRequested(course_id=course_id, actor="alice", payload={
            "task_id": task, "complexity_level": complexity_level, "clone_task_id": clone_task}),
        *[DocAnalysed(course_id=course_id, actor="doc_analyser", payload={
            "task_id": task, "path": path, "title": path, "doc_type": "guide", "complexity_level": "beginner",
            "word_count": 100, "content_hash": f"h-{path}", "usage": usage, "position": n})
          for n, path in enumerate(paths)],
        DocsAnalysed(course_id=course_id, actor="doc_analyser", payload={
            "task_id": task, "document_count": len(paths), "usage": {**usage, "calls": calls_each * len(paths)}}),
    ])


async def planned(c, course_id: str, modules: list[list[str]], task: str = "plan1") -> str:
    """Stage 3 succeeded with one pathway whose modules hold `modules`' documents; its id."""
    pathway_id = f"{course_id}-{task}"
    await publish(c, [
        PathwaysRequested(course_id=course_id, actor="alice", payload={"task_id": task}),
        PathwaysGenerated(course_id=course_id, actor="pathway", payload={"task_id": task, "pathways": [{
            "pathway_id": pathway_id, "title": "The way", "modules": [
                {"module_id": f"m{n}", "title": f"Module {n}", "estimated_minutes": 10, "documents": docs}
                for n, docs in enumerate(modules, start=1)]}]}),
    ])
    return pathway_id
