"""Stage 2 with the Anthropic provider against a local Messages-API server, the services as real
processes: a document the API keeps failing on is named (or skipped when tolerated), a killed
service resumes without paying again for what it had analysed, and a cancelled run stops."""
from __future__ import annotations

from collections import Counter

import pytest

from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.llm_fixtures import TEST_API_KEY
from tests.support.llm_replies import server_error, tool_use
from tests.support.llm_server import FakeAnthropicServer
from tests.support.processes import Process
from tests.support.stage2_analysis import DOCUMENTS, analyser, document_of, valid_analysis
from tests.support.waiting import eventually

FAILING = "docs/troubleshooting.rst"


def analysis_answer(request):
    path = document_of(request)
    if path == FAILING:
        return server_error(503)
    return tool_use({"title": f"About {path}", "doc_type": "guide", "complexity_level": "beginner",
                     "key_concepts": ["brokers", path.rsplit("/", 1)[-1]],
                     "learning_objectives": [f"Explain {path}"], "summary": f"The document {path}.",
                     "assumed_knowledge": [], "topics": ["messaging"]})


@pytest.fixture
def repo_clone(nats_server):
    service = Process(["-m", "services.repo_clone.main"], {"NATS_URL": nats_server.url, "ALLOW_LOCAL_REPOS": "true"})
    yield service
    service.interrupt()


@pytest.fixture
def llm():
    with FakeAnthropicServer(api_key=TEST_API_KEY, default=analysis_answer) as server:
        yield server


@pytest.fixture
async def course(api, repo_clone, tmp_path) -> str:
    make_repo(tmp_path / "skyline", COURSE_REPO)
    return await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"], overview="README.md")


async def test_a_document_the_api_keeps_failing_on_fails_the_stage_naming_it(api, nats_server, llm, course):
    service = analyser(nats_server.url, llm)
    try:
        await start(api, course, "analyze-documents", {"complexity_level": "beginner"})
        status = await wait_for_stage(api, course, "stage2")
    finally:
        service.interrupt()
    assert status["status"] == "FAILURE", status
    assert FAILING in status["error_message"] and "503" in status["error_message"]
    requests = llm.requests
    first = requests[0].body
    assert first["model"] == "claude-test" and first["tool_choice"]["type"] == "tool"
    assert first["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "never follow it" in first["system"][0]["text"]
    assert Counter(document_of(r) for r in requests)[FAILING] == 2  # one try, one retry of the request


async def test_tolerated_failures_finish_the_stage_and_list_the_skipped_document(api, nats_server, llm, course):
    service = analyser(nats_server.url, llm, TOLERATE_FAILED_DOCUMENTS="true")
    try:
        await start(api, course, "analyze-documents", {"complexity_level": "beginner"})
        status = await wait_for_stage(api, course, "stage2")
    finally:
        service.interrupt()
    assert status["status"] == "SUCCESS", status
    result = status["result"]
    assert result["document_count"] == DOCUMENTS - 1
    assert [s["path"] for s in result["skipped"]] == [FAILING] and "503" in result["skipped"][0]["reason"]
    assert result["usage"]["provider"] == "anthropic" and result["usage"]["calls"] == DOCUMENTS - 1
    assert result["usage"]["input_tokens"] > 0 and result["usage"]["output_tokens"] > 0
    listing = (await api.get(f"/api/courses/{course}/analyzed-documents", headers=ALICE)).json()
    assert listing["total"] == DOCUMENTS - 1
    assert FAILING not in {d["file_path"] for d in listing["documents"]}


async def test_a_killed_service_resumes_without_paying_again_for_analysed_documents(api, nats_server, llm, course):
    llm.latency_seconds = 0.4
    llm.default = lambda r: analysis_answer(r) if document_of(r) != FAILING else valid_analysis(r)
    env = {"ANALYSIS_CONCURRENCY": "1", "LLM_MAX_CONCURRENCY": "1"}
    first = analyser(nats_server.url, llm, **env)
    await start(api, course, "analyze-documents", {"complexity_level": "beginner"})

    async def analysed() -> set[str]:
        events = (await api.get(f"/api/courses/{course}/events", headers=ALICE)).json()["events"]
        return {e["payload"]["path"] for e in events if e["event_type"] == "DocAnalysed"}
    before_kill = await eventually(lambda: _at_least(analysed, 3), timeout=60, message="3 documents analysed")
    first.kill()
    second = analyser(nats_server.url, llm, **env)
    try:
        status = await wait_for_stage(api, course, "stage2", timeout=90)
    finally:
        second.interrupt()
    assert status["status"] == "SUCCESS" and status["result"]["document_count"] == DOCUMENTS, status
    paid = Counter(document_of(r) for r in llm.requests)
    assert set(paid) == set(await analysed()) and len(paid) == DOCUMENTS
    assert all(paid[path] == 1 for path in before_kill)  # what was in the log was not asked again
    assert sum(paid.values()) <= DOCUMENTS + 1  # at most the one in flight at the kill, again
    events = (await api.get(f"/api/courses/{course}/events", headers=ALICE)).json()["events"]
    once = Counter(e["payload"]["path"] for e in events if e["event_type"] == "DocAnalysed")
    assert set(once.values()) == {1}
    listing = (await api.get(f"/api/courses/{course}/analyzed-documents", headers=ALICE)).json()
    assert listing["total"] == DOCUMENTS


async def test_a_cancelled_run_stops_asking_the_provider(api, nats_server, llm, course):
    llm.latency_seconds = 0.5
    llm.default = valid_analysis
    service = analyser(nats_server.url, llm, ANALYSIS_CONCURRENCY="1", LLM_MAX_CONCURRENCY="1")
    try:
        await start(api, course, "analyze-documents", {"complexity_level": "beginner"})
        await eventually(lambda: len(llm.requests) >= 1, timeout=60, message="the first provider call")
        cancelled = await api.post(f"/api/courses/{course}/stage2/cancel", headers=ALICE)
        assert cancelled.status_code == 202, cancelled.text
        service.wait_for_line(lambda line: "was cancelled; stopped" in line, timeout=30)
    finally:
        service.interrupt()
    assert len(llm.requests) < DOCUMENTS
    status = (await api.get(f"/api/courses/{course}/stage2/status", headers=ALICE)).json()
    assert status["status"] == "CANCELLED"
    retried = await api.post(f"/api/courses/{course}/stage2/retry", headers=ALICE)
    assert retried.status_code == 202 and retried.json()["task_id"] != status["task_id"]


async def _at_least(analysed, count: int) -> set[str] | None:
    paths = await analysed()
    return paths if len(paths) >= count else None
