"""Stage 2 with LLM_PROVIDER=openai against the local Chat Completions server, the analyser a real
process: a document whose answer stays invalid after the repair is analysed by the offline engine,
counted and named in the status and the events, and the stage succeeds; LLM_STRICT=true fails the
stage naming it instead."""
from __future__ import annotations

import re

import pytest

from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.openai_fixtures import OPENAI_TEST_KEY
from tests.support.openai_replies import answer
from tests.support.openai_server import FakeOpenAIServer
from tests.support.processes import Process

DOCUMENTS = 7  # "docs" selected recursively, plus README.md as the overview
MALFORMED = "docs/troubleshooting.rst"


def document_of(request) -> str:
    text = "\n".join(str(m.get("content")) for m in request.body["messages"])
    return re.search(r'<document path="([^"]+)"', text).group(1)


def analysis_answer(request):
    path = document_of(request)
    if path == MALFORMED:
        return answer("Sure, here is the analysis: title is Troubleshooting")  # no JSON, twice
    return answer({"title": f"About {path}", "doc_type": "guide", "complexity_level": "beginner",
                   "key_concepts": ["brokers"], "learning_objectives": [f"Explain {path}"],
                   "summary": f"The document {path}.", "assumed_knowledge": [], "topics": ["messaging"]})


def analyser(nats_url: str, llm: FakeOpenAIServer, **extra: str) -> Process:
    env = {"NATS_URL": nats_url, "LLM_PROVIDER": "openai", "OPENAI_API_KEY": OPENAI_TEST_KEY,
           "OPENAI_BASE_URL": llm.base_url, "OPENAI_MODEL": "local-model", "OPENAI_STRUCTURED_OUTPUT": "json",
           "LLM_MAX_RETRIES": "1", "LLM_RETRY_BASE_SECONDS": "0.01", "DOCUMENT_ATTEMPTS": "1", **extra}
    return Process(["-m", "services.doc_analyser.main"], env)


@pytest.fixture
def repo_clone(nats_server):
    service = Process(["-m", "services.repo_clone.main"], {"NATS_URL": nats_server.url, "ALLOW_LOCAL_REPOS": "true"})
    yield service
    service.interrupt()


@pytest.fixture
def llm():
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=analysis_answer) as server:
        yield server


@pytest.fixture
async def course(api, repo_clone, tmp_path) -> str:
    make_repo(tmp_path / "skyline", COURSE_REPO)
    return await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"], overview="README.md")


async def test_an_answer_invalid_after_its_repair_falls_back_and_is_reported(api, nats_server, llm, course):
    service = analyser(nats_server.url, llm)
    try:
        await start(api, course, "analyze-documents", {"complexity_level": "beginner"})
        status = await wait_for_stage(api, course, "stage2")
    finally:
        service.interrupt()
    assert status["status"] == "SUCCESS", status
    [fallback] = status["fallbacks"]
    assert fallback["item"] == MALFORMED and "did not fit DocumentAnalysis, even after one repair" in fallback["reason"]
    assert "1 item(s) by the offline engine" in status["current_step"]
    result = status["result"]
    assert result["document_count"] == DOCUMENTS and result["skipped"] == []
    assert result["usage"]["calls"] == DOCUMENTS + 1  # the malformed one was asked, then repaired once
    events = (await api.get(f"/api/courses/{course}/events", headers=ALICE)).json()["events"]
    analysed = {e["payload"]["path"]: e["payload"] for e in events if e["event_type"] == "DocAnalysed"}
    assert len(analysed) == DOCUMENTS
    assert analysed[MALFORMED]["engine"] == "offline-fallback" and analysed[MALFORMED]["fallback_reason"]
    assert analysed[MALFORMED]["usage"]["calls"] == 2  # the model's two tries are paid and counted
    assert {p["engine"] for path, p in analysed.items() if path != MALFORMED} == {"provider"}
    [done] = [e["payload"] for e in events if e["event_type"] == "DocsAnalysed"]
    assert done["fallbacks"] == [fallback]
    listing = (await api.get(f"/api/courses/{course}/analyzed-documents", headers=ALICE)).json()
    assert listing["total"] == DOCUMENTS


async def test_llm_strict_fails_the_stage_naming_the_document(api, nats_server, llm, course):
    service = analyser(nats_server.url, llm, LLM_STRICT="true")
    try:
        await start(api, course, "analyze-documents", {"complexity_level": "beginner"})
        status = await wait_for_stage(api, course, "stage2")
    finally:
        service.interrupt()
    assert status["status"] == "FAILURE", status
    assert MALFORMED in status["error_message"] and "did not fit DocumentAnalysis" in status["error_message"]
    assert status["fallbacks"] == []
