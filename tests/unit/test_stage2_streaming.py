"""Stage 2 starts its provider calls while the snapshot's documents are still being parsed: each
parser child (real ones, tests/support/gated_parsing.py) parses one document and then holds the
next until the first provider call has been made; a stage that waited for every document before
its first call would never make it with only those parsed. Counted, not timed."""
from __future__ import annotations

import uuid

from services.doc_analyser.analyser import DocumentAnalyser
from services.doc_analyser.document_feed import PARSER_CHILDREN
from services.doc_analyser.engine.engines import OFFLINE_ENGINES
from services.doc_analyser.handlers import AnalysisStage
from services.doc_analyser.settings import DocAnalyserSettings
from shared.events.catalogue import DocAnalysed, DocsAnalysed, DocsAnalysisRequested
from shared.llm.offline import OfflineProvider
from shared.stage.emitter import StageEmitter
from tests.support import gated_parsing
from tests.support.cloned_in_memory import cloned_course
from tests.support.fakes import MemoryAnalysisCache
from tests.support.gitrepos import COURSE_REPO, make_repo


class GateOpeningProvider(OfflineProvider):
    """The offline engine, which on its first call notes how many documents the child had parsed
    and then lets the child parse the rest."""

    def __init__(self, parsed_log: str, gate: gated_parsing.Gate) -> None:
        super().__init__(OFFLINE_ENGINES)
        self._parsed_log, self._gate = parsed_log, gate
        self.parsed_at_first_call: int | None = None

    async def complete(self, prompt, schema):
        if self.parsed_at_first_call is None:
            self.parsed_at_first_call = gated_parsing.parsed_so_far(self._parsed_log)
            self._gate.open()
        return await super().complete(prompt, schema)


async def test_the_first_provider_call_goes_out_before_the_other_documents_are_parsed(tmp_path, monkeypatch):
    parsed_log, gate = str(tmp_path / "parsed.log"), gated_parsing.Gate(str(tmp_path / "gate"))
    monkeypatch.setenv("PARSED_LOG", parsed_log)
    monkeypatch.setenv("GATE", gate.path)
    monkeypatch.setenv("GATE_AFTER", "1")
    make_repo(tmp_path / "skyline", COURSE_REPO)
    course = await cloned_course(tmp_path / "skyline", tmp_path / "work")

    provider = GateOpeningProvider(parsed_log, gate)
    settings = DocAnalyserSettings(llm_provider="offline", analysis_concurrency=2)
    stage = AnalysisStage(StageEmitter(course.events, "doc_analyser", "stage2"), course.snapshots.read_archive,
                          DocumentAnalyser(provider, MemoryAnalysisCache(), 1), settings, parser=gated_parsing.SPEC)
    request = await course.add(DocsAnalysisRequested, task_id=uuid.uuid4().hex, complexity_level="beginner",
                               clone_task_id=course.cloned.payload.task_id)
    try:
        await stage.handle(request)
    finally:
        gate.close()

    emitted = course.events.caused_by(request)
    selected = [path for path in COURSE_REPO if path.startswith("docs/")]
    assert provider.parsed_at_first_call <= PARSER_CHILDREN < len(selected), \
        f"the first call waited for {provider.parsed_at_first_call} documents"
    assert gated_parsing.parsed_so_far(parsed_log) == len(selected)
    assert sorted(e.payload.path for e in emitted if isinstance(e, DocAnalysed)) == sorted(selected)
    [total] = [e for e in emitted if isinstance(e, DocsAnalysed)]
    assert total.payload.document_count == len(selected) and total.payload.skipped == []
