"""A document longer than the model's window (LLM_CONTEXT_TOKENS=2048) is analysed in parts cut
along its sections, through stage 2's real handler (stores in memory, a real git clone) and the
real OpenAI-compatible provider against the local Chat Completions server: several requests, each
within the window by the provider's own measure with its full answer limit, every section sent in
exactly one request, and the merged analysis — event and cache — holds what only the last
section taught. A part whose answer stays invalid makes the whole document the offline engine's."""
from __future__ import annotations

import json
import re
import uuid

import pytest

from services.doc_analyser.handlers import analysis_stage
from services.doc_analyser.settings import DocAnalyserSettings
from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events.catalogue import (
    CourseCreated, DocAnalysed, DocsAnalysed, DocsAnalysisRequested, FoldersSelected, RepoCloned, RepoCloneRequested,
)
from shared.llm.prompt_size import request_tokens
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryAnalysisCache, MemoryEventStore, MemorySecretStore, MemorySnapshotStore
from tests.support.gitrepos import make_repo
from tests.support.openai_fixtures import OPENAI_TEST_KEY, openai_settings
from tests.support.openai_replies import answer, tool_call
from tests.support.openai_server import FakeOpenAIServer

WINDOW = 2048
TOPICS = ["Installing the broker", "Creating topics", "Producing messages", "Consumer groups", "Offsets",
          "Retention", "Replication", "Security", "Monitoring", "Dead letter queues"]
SECTIONS = [f"## {topic}\n\n" + " ".join(f"{topic} step {n} explains how the broker behaves here." for n in range(9))
            + "\n\n" for topic in TOPICS]
LONG_DOC = "# Broker handbook\n\nEverything about running the broker.\n\n" + "".join(SECTIONS)
PATH = "docs/handbook.md"


def user_text(request) -> str:
    return next(m["content"] for m in request.body["messages"] if m["role"] == "user")


def analysis_of_the_part(request):
    """A model that names the topics of the sections it was shown as the part's key concepts."""
    shown = [topic for topic in TOPICS if f"## {topic}\n" in user_text(request)]
    return tool_call({"title": "Broker handbook", "doc_type": "guide", "complexity_level": "beginner",
                      "key_concepts": shown, "learning_objectives": [f"Explain {t.lower()}" for t in shown],
                      "summary": f"Covers {', '.join(shown) or 'the introduction'}.",
                      "assumed_knowledge": ["networking"], "topics": ["messaging"]})


class Course:
    """One course's in-memory stores, cloned from a local repository holding LONG_DOC."""

    def __init__(self, repo: str, work_dir: str) -> None:
        self.id, self.repo = f"c{uuid.uuid4().hex[:12]}", repo
        self.events, self.snapshots, self.cache = MemoryEventStore(), MemorySnapshotStore(), MemoryAnalysisCache()
        self.clone = clone_stage(StageEmitter(self.events, "repo_clone", "stage1"), self.snapshots,
                                 MemorySecretStore(), RepoCloneSettings(allow_local_repos=True, work_dir=work_dir))

    async def add(self, cls, **payload):
        event = cls(course_id=self.id, actor="alice", payload=payload)
        await self.events.publish(event)
        return event

    async def analysed(self, settings: DocAnalyserSettings) -> dict:
        await self.add(CourseCreated, owner_id="alice", title="Broker course", description="")
        request = await self.add(RepoCloneRequested, task_id=uuid.uuid4().hex, repo_url=self.repo)
        await self.clone.handle(request)
        [cloned] = [e for e in self.events.caused_by(request) if isinstance(e, RepoCloned)]
        await self.add(FoldersSelected, selected_folders=["docs"], overview_document=None)
        request = await self.add(DocsAnalysisRequested, task_id=uuid.uuid4().hex, complexity_level="beginner",
                                 clone_task_id=cloned.payload.task_id)
        stage = analysis_stage(StageEmitter(self.events, "doc_analyser", "stage2"), self.snapshots.read_archive,
                               self.cache, settings)
        await stage.handle(request)
        emitted = self.events.caused_by(request)
        assert any(isinstance(e, DocsAnalysed) for e in emitted), [e.event_type for e in emitted]
        [analysed] = [e.payload for e in emitted if isinstance(e, DocAnalysed)]
        return analysed


@pytest.fixture
def course(tmp_path) -> Course:
    make_repo(tmp_path / "broker", {"README.md": "# Broker\n\nA message broker.\n", PATH: LONG_DOC})
    return Course(str(tmp_path / "broker"), str(tmp_path / "work"))


def stage2_settings(server: FakeOpenAIServer, **overrides) -> DocAnalyserSettings:
    llm = openai_settings(server, llm_context_tokens=WINDOW, **overrides)
    return DocAnalyserSettings(**llm.model_dump(), document_attempts=1)


async def test_a_long_document_is_analysed_in_parts_that_fit_the_window_and_merged(course):
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=analysis_of_the_part) as server:
        analysed = await course.analysed(stage2_settings(server))
    requests = server.requests
    assert len(requests) >= 3
    for request in requests:  # under the window with the whole answer limit asked for: never lowered
        assert request_tokens(request.body) + request.body["max_tokens"] <= WINDOW
    for section in SECTIONS:
        assert sum(section in user_text(request) for request in requests) == 1, section[:30]
    numbers = sorted(re.search(r'part="(\d+) of (\d+)"', user_text(r)).groups() for r in requests)
    assert numbers == sorted((str(n), str(len(requests))) for n in range(1, len(requests) + 1))
    assert analysed.parts == len(requests) and analysed.usage.calls == len(requests)
    assert analysed.engine == "provider" and analysed.title == "Broker handbook"
    [cached] = course.cache.entries.values()  # the merged analysis, once, under the document's key
    merged = json.loads(cached)
    assert merged["key_concepts"] == TOPICS  # every part's, the last section's included, in order
    assert "Explain dead letter queues" in analysed.learning_objectives and "Dead letter queues" in analysed.summary
    # The event's concepts are linking's top eight of them (engine/linking.py), as for any document.
    assert analysed.key_concepts == TOPICS[:8]


def invalid_in_the_middle(request):
    if "## Offsets\n" in user_text(request):
        return answer("no JSON here, sorry")  # in tools mode: no function call, twice
    return analysis_of_the_part(request)


async def test_a_part_that_falls_back_makes_the_whole_document_the_offline_engines(course):
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=invalid_in_the_middle) as server:
        analysed = await course.analysed(stage2_settings(server))
    parts = analysed.parts
    assert parts >= 3 and len(server.requests) == parts + 1  # the failing part's repair
    assert analysed.engine == "offline-fallback"
    assert re.match(rf"part \d+ of {parts}: the model's answer did not fit DocumentAnalysis", analysed.fallback_reason)
    assert analysed.usage.calls == parts + 1  # every part's attempts are paid and counted
    assert analysed.title == "Broker handbook" and analysed.key_concepts  # the engine read the whole document
    assert course.cache.entries == {}  # a fallback is asked again next time
