"""A stage service paused past the ack wait (SIGSTOP) loses its message to a peer replica, which
finishes the stage; a slow but alive one keeps its message with in-progress acks (no document is
analysed twice). doc_analyser with the Anthropic provider against a slow local Messages-API server."""
from __future__ import annotations

import signal
from collections import Counter

import pytest

from tests.support.gateway import running_gateway
from tests.support.flows import scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.llm_fixtures import TEST_API_KEY
from tests.support.llm_server import FakeAnthropicServer
from tests.support.processes import Process
from tests.support.stage2_analysis import DOCUMENTS, analyser, document_of, valid_analysis
from tests.support.waiting import eventually

SLOW = {"ANALYSIS_CONCURRENCY": "1", "LLM_MAX_CONCURRENCY": "1", "CONSUMER_ACK_WAIT_SECONDS": "2"}


@pytest.fixture
async def course(settings, nats_server, tmp_path):
    clone = Process(["-m", "services.repo_clone.main"], {"NATS_URL": nats_server.url, "ALLOW_LOCAL_REPOS": "true"})
    make_repo(tmp_path / "skyline", COURSE_REPO)
    async with running_gateway(settings.model_copy(update={"allow_local_repos": True})) as api:
        course_id = await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"], overview="README.md")
        yield api, course_id
    clone.interrupt()


@pytest.fixture
def llm():
    with FakeAnthropicServer(api_key=TEST_API_KEY, default=valid_analysis, latency_seconds=0.7) as server:
        yield server


async def test_a_slow_but_alive_service_keeps_its_message(course, nats_server, llm):
    api, course_id = course
    replicas = [analyser(nats_server.url, llm, **SLOW) for _ in range(2)]
    try:
        await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
        status = await wait_for_stage(api, course_id, "stage2", timeout=90)
    finally:
        for replica in replicas:
            replica.interrupt()
    assert status["status"] == "SUCCESS", status
    # About 5 s of work against a 2 s ack wait: without in-progress acks the peer would redo documents.
    asked = Counter(document_of(r) for r in llm.requests)
    assert len(asked) == DOCUMENTS and set(asked.values()) == {1}


async def test_a_paused_service_loses_its_message_to_a_peer_that_finishes(course, nats_server, llm):
    api, course_id = course
    first = analyser(nats_server.url, llm, **SLOW)
    second = None
    try:
        await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
        await eventually(lambda: len(llm.requests) >= 2, timeout=60, message="the first replica at work")
        second = analyser(nats_server.url, llm, **SLOW)
        first.popen.send_signal(signal.SIGSTOP)
        # The first replica stays paused until the end: only the second can finish the stage.
        status = await wait_for_stage(api, course_id, "stage2", timeout=90)
        assert status["status"] == "SUCCESS" and status["result"]["document_count"] == DOCUMENTS, status
    finally:
        first.popen.send_signal(signal.SIGCONT)
        first.interrupt()
        if second is not None:
            second.interrupt()
