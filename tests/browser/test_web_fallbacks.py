"""Degrade, don't die, as a user sees it: `coursegen run` with LLM_PROVIDER=openai against a local
server whose answer for one document stays malformed after the repair turn. Stage 2 succeeds and its
panel says how many items the offline engine wrote instead of the model, which, and why."""
from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.support.launched import coursegen_run
from tests.support.openai_fixtures import OPENAI_TEST_KEY
from tests.support.openai_replies import answer
from tests.support.openai_server import FakeOpenAIServer

MALFORMED = "docs/troubleshooting.rst"


def analysis(request):
    text = "\n".join(str(m.get("content")) for m in request.body["messages"])
    path = re.search(r'<document path="([^"]+)"', text).group(1)
    if path == MALFORMED:
        return answer("Sure! The title is Troubleshooting.")  # never JSON, repair or not
    return answer({"title": f"About {path}", "doc_type": "guide", "complexity_level": "beginner",
                   "key_concepts": ["brokers"], "learning_objectives": [f"Explain {path}"],
                   "summary": f"The document {path}.", "assumed_knowledge": [], "topics": ["messaging"]})


@pytest.fixture(scope="module")
def system():
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=analysis) as llm:
        with coursegen_run({"LLM_PROVIDER": "openai", "OPENAI_API_KEY": OPENAI_TEST_KEY,
                            "OPENAI_BASE_URL": llm.base_url, "OPENAI_MODEL": "local-model",
                            "OPENAI_STRUCTURED_OUTPUT": "json", "LLM_MAX_RETRIES": "1",
                            "LLM_RETRY_BASE_SECONDS": "0.01"}) as running:
            yield running


async def test_a_document_the_model_could_not_answer_is_shown_as_a_fallback(ui, course_repo):
    await ui.sign_in()
    await ui.new_course("Fallbacks in the browser")
    await ui.start_stage1(course_repo)
    await ui.wait_stage(1)
    await ui.select(["docs"], "README.md")
    await ui.by("start-stage2").click()
    await ui.wait_stage(2)
    await expect(ui.by("analysed-row")).to_have_count(7)  # none lost: the fallback is analysed too
    fallbacks = ui.by("stage2-fallbacks")
    await expect(fallbacks).to_be_visible()
    await expect(fallbacks).to_contain_text("1 item(s) written by the offline engine instead of the model")
    await fallbacks.locator("summary").click()
    await expect(fallbacks.locator("li")).to_have_count(1)
    await expect(fallbacks.locator("li")).to_contain_text(MALFORMED)
    await expect(fallbacks.locator("li")).to_contain_text("even after one repair")
    await expect(ui.by("stage1-fallbacks")).to_be_hidden()  # stage 1 asks no model
