"""The end of a stage 2 run requested through the REST API, as a doc_analyser that fingerprints what
it produced announces it (DocsAnalysed.fingerprint, computed by the service's own function over the
announced analyses), published straight into a running gateway's log and projected before returning."""
from __future__ import annotations

from services.doc_analyser.fingerprint import analysis_fingerprint
from shared.events.catalogue import DocAnalysed, DocsAnalysed, StageStarted
from tests.support.seeded_stages import publish

OFFLINE = {"provider": "offline", "model": "offline-engine"}


async def fingerprinted_analysis_finished(c, course_id: str, task_id: str, paths: list[str],
                                          engine: dict = OFFLINE, edition: str = "") -> str:
    """Stage 2's run `task_id` analysed `paths` with `engine`; `edition` stands for the documents'
    content (another edition, other documents). The run's fingerprint."""
    usage = {**engine, "input_tokens": 900, "output_tokens": 300, "calls": 1}
    analyses = [DocAnalysed(course_id=course_id, actor="doc_analyser", payload={
        "task_id": task_id, "path": path, "title": path, "doc_type": "guide", "complexity_level": "beginner",
        "word_count": 100, "content_hash": f"h-{path}{edition}", "usage": usage, "position": n})
        for n, path in enumerate(paths)]
    fingerprint = analysis_fingerprint(a.payload for a in analyses)
    await publish(c, [
        StageStarted(course_id=course_id, actor="doc_analyser", payload={"stage": "stage2", "task_id": task_id}),
        *analyses,
        DocsAnalysed(course_id=course_id, actor="doc_analyser", payload={
            "task_id": task_id, "document_count": len(paths), "usage": usage, "fingerprint": fingerprint}),
    ])
    return fingerprint
