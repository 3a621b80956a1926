"""budget_usd through the real services, against the local OpenAI-compatible server pricing its
answers as gpt-4o: stage 2 stops before the call that could cross the budget, says so in its status
with what it did, and spends no more than the budget; a retry with a higher budget finishes the run
and pays only for the documents not yet analysed (the others are the cache's)."""
from __future__ import annotations

import re

import pytest

from shared.observability.pricing import price_of
from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.pipeline import through_stage3
from tests.support.gitrepos import COURSE_REPO, loom_repository, make_repo
from tests.support.openai_fixtures import OPENAI_TEST_KEY
from tests.support.openai_replies import answer, usage
from tests.support.openai_server import FakeOpenAIServer
from tests.support.processes import stage_services

DOCUMENTS = 7  # "docs" selected recursively, plus README.md as the overview
MODEL = "gpt-4o"


def analysis(request):
    text = "\n".join(str(m.get("content")) for m in request.body["messages"])
    path = re.search(r'<document path="([^"]+)"', text).group(1)
    return answer({"title": f"About {path}", "doc_type": "guide", "complexity_level": "beginner",
                   "key_concepts": ["brokers"], "learning_objectives": [f"Explain {path}"],
                   "summary": f"The document {path}.", "assumed_knowledge": [], "topics": ["messaging"]})


def cost(analysed: list[dict]) -> float:
    """What the analyses cost by the server's own token counts, at the model's list price."""
    prompt_price, output_price = price_of(MODEL)[:2]
    usages = [e["payload"]["usage"] for e in analysed]
    return sum(u["input_tokens"] * prompt_price + u["output_tokens"] * output_price for u in usages) / 1_000_000


@pytest.fixture
def llm():
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=analysis) as server:
        yield server


async def test_stage2_stops_at_its_budget_and_a_retry_with_more_pays_only_for_the_rest(api, nats_server, llm,
                                                                                        tmp_path):
    make_repo(tmp_path / "skyline", COURSE_REPO)
    env = {"LLM_PROVIDER": "openai", "OPENAI_API_KEY": OPENAI_TEST_KEY, "OPENAI_BASE_URL": llm.base_url,
           "OPENAI_MODEL": MODEL, "OPENAI_STRUCTURED_OUTPUT": "json", "ANALYSIS_CONCURRENCY": "1"}
    with stage_services(nats_server.url, ["repo_clone", "doc_analyser"], env=env):
        course = await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"], overview="README.md")
        budget = 0.05  # a few documents' worst case (prompt and output limit, twice for a repair)
        await start(api, course, "analyze-documents", {"complexity_level": "beginner", "budget_usd": budget})
        stopped = await wait_for_stage(api, course, "stage2")
        assert stopped["status"] == "FAILURE", stopped
        assert "budget" in stopped["error_message"] and "raise budget_usd and retry" in stopped["error_message"]
        first = llm.requests
        assert 0 < len(first) < DOCUMENTS
        events = (await api.get(f"/api/courses/{course}/events", headers=ALICE)).json()["events"]
        analysed = [e for e in events if e["event_type"] == "DocAnalysed"]
        assert len(analysed) == len(first)  # every answer paid for is kept
        assert 0 < cost(analysed) <= budget

        retried = await api.post(f"/api/courses/{course}/stage2/retry", headers=ALICE, json={"budget_usd": 10})
        assert retried.status_code == 202, retried.text
        done = await wait_for_stage(api, course, "stage2")
        assert done["status"] == "SUCCESS", done
        assert done["result"]["document_count"] == DOCUMENTS
        assert done["result"]["cache_hits"] == len(first)
        assert len(llm.requests) == DOCUMENTS  # the retry asked only about the rest


def expensive_module(request):
    """A valid module whose answer is billed as a long one: the budget binds after a few."""
    return answer({"title": "A module", "introduction": "What this module covers.", "sections": [],
                   "code_examples": [], "key_points": ["One point"], "conclusion": "", "assessment": [],
                   "summary": "A summary."}, usage=usage(3000, 8000))


async def test_stage4_stops_at_its_budget_and_a_retry_reuses_the_modules_written(api, nats_server, tmp_path):
    # About eight minutes' reading a document: with 5-minute modules, one module each.
    make_repo(tmp_path / "loom", loom_repository(8, sentences=12, paragraphs=16))
    offline = {"MODULE_TARGET_MINUTES": "5"}
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=expensive_module) as llm, \
            stage_services(nats_server.url, ["repo_clone", "doc_analyser", "pathway"], env=offline), \
            stage_services(nats_server.url, ["modules"], env={
                "LLM_PROVIDER": "openai", "OPENAI_API_KEY": OPENAI_TEST_KEY, "OPENAI_BASE_URL": llm.base_url,
                "OPENAI_MODEL": MODEL, "OPENAI_STRUCTURED_OUTPUT": "json", "MODULE_CONCURRENCY": "1"}):
        course, pathways = await through_stage3(api, str(tmp_path / "loom"))
        pathway = max(pathways["pathways"], key=lambda p: len(p["modules"]))
        modules = len(pathway["modules"])
        assert modules >= 4
        chosen = await api.post(f"/api/courses/{course}/stage3-selections", headers=ALICE,
                                json={"selected_pathway_id": pathway["id"]})
        assert chosen.status_code == 200, chosen.text

        await start(api, course, "generate-course", {"budget_usd": 0.3})
        stopped = await wait_for_stage(api, course, "stage4")
        assert stopped["status"] == "FAILURE", stopped
        assert "raise budget_usd and retry" in stopped["error_message"]
        written = len(llm.requests)
        assert 0 < written < modules

        retried = await api.post(f"/api/courses/{course}/stage4/retry", headers=ALICE, json={"budget_usd": 10})
        assert retried.status_code == 202, retried.text
        done = await wait_for_stage(api, course, "stage4")
        assert done["status"] == "SUCCESS", done
        assert len(llm.requests) == modules  # the modules of the stopped run were not written again
        generated = (await api.get(f"/api/courses/{course}/generated-course", headers=ALICE)).json()
        assert len(generated["modules"]) == modules
