"""The end of a stage run requested through the REST API, as its stage service would announce it,
published straight into a running gateway's log and projected before returning: for tests of what
the gateway makes of results (out-of-date marks, engines) without running the stage services."""
from __future__ import annotations

from shared.events.catalogue import (
    CourseGenerated, DocAnalysed, DocsAnalysed, ModuleGenerated, PathwaysGenerated, StageFailed, StageStarted,
)
from tests.support.seeded_stages import publish

OFFLINE = {"provider": "offline", "model": "offline-engine"}


def _usage(engine: dict) -> dict:
    return {**engine, "input_tokens": 900, "output_tokens": 300, "calls": 1}


async def analysis_finished(c, course_id: str, task_id: str, paths: list[str], engine: dict = OFFLINE) -> None:
    """Stage 2's run `task_id` analysed `paths` with `engine` ({provider, model})."""
    await publish(c, [
        StageStarted(course_id=course_id, actor="doc_analyser", payload={"stage": "stage2", "task_id": task_id}),
        *[DocAnalysed(course_id=course_id, actor="doc_analyser", payload={
            "task_id": task_id, "path": path, "title": path, "doc_type": "guide", "complexity_level": "beginner",
            "word_count": 100, "content_hash": f"h-{path}", "usage": _usage(engine), "position": n})
          for n, path in enumerate(paths)],
        DocsAnalysed(course_id=course_id, actor="doc_analyser", payload={
            "task_id": task_id, "document_count": len(paths), "usage": _usage(engine)}),
    ])


async def pathways_finished(c, course_id: str, task_id: str, paths: list[str], engine: dict = OFFLINE) -> str:
    """Stage 3's run `task_id` planned one pathway of one module over `paths`; the pathway's id."""
    pathway_id = f"{task_id}-way"
    await publish(c, [
        StageStarted(course_id=course_id, actor="pathway", payload={"stage": "stage3", "task_id": task_id}),
        PathwaysGenerated(course_id=course_id, actor="pathway", payload={
            "task_id": task_id, "usage": _usage(engine), "pathways": [{
                "pathway_id": pathway_id, "title": "The way", "modules": [
                    {"module_id": f"{task_id}-m1", "title": "Module 1", "estimated_minutes": 10,
                     "documents": paths}]}]}),
    ])
    return pathway_id


async def course_finished(c, course_id: str, task_id: str, engine: dict = OFFLINE) -> None:
    """Stage 4's run `task_id` wrote one module and exported the course."""
    await publish(c, [
        StageStarted(course_id=course_id, actor="modules", payload={"stage": "stage4", "task_id": task_id}),
        ModuleGenerated(course_id=course_id, actor="modules", payload={
            "task_id": task_id, "module_id": f"{task_id}-m1", "position": 1, "title": "Module 1",
            "content_ref": f"{task_id}/m1.json", "content_hash": "h"}),
        CourseGenerated(course_id=course_id, actor="modules", payload={
            "task_id": task_id, "module_count": 1, "export_ref": f"{task_id}/course.zip", "export_bytes": 10,
            "usage": _usage(engine)}),
    ])


async def run_failed(c, course_id: str, stage: str, task_id: str, message: str = "the model was unreachable") -> None:
    await publish(c, [StageFailed(course_id=course_id, actor="test", payload={
        "stage": stage, "task_id": task_id, "error_message": message})])
