"""A 2,000-document repository through stages 2 and 3 on a model with an 8k context window
(LLM_CONTEXT_TOKENS=8192), the services real processes, the model the local OpenAI-compatible
server answering every request it can read: no request asks for more than the window (prompt and
output limit by the provider's own measure), stage 3 does not send the whole document table but
words the engine's modules in batches, and every document is in a pathway."""
from __future__ import annotations

import json
import re

from shared.llm.prompt_size import request_tokens
from tests.support.flows import scanned_and_selected, start, wait_for_stage, whole_pathways
from tests.support.gitrepos import make_repo
from tests.support.openai_replies import answer
from tests.support.openai_server import FakeOpenAIServer
from tests.support.processes import stage_services

DOCUMENTS = 2000
WINDOW = 8192
TOPICS = ["brokers", "streams", "consumers", "subjects", "accounts", "leaf nodes", "clusters", "keys",
          "buckets", "mirrors", "sources", "limits", "retention", "replicas", "headers", "tracing"]
STAGE_TIMEOUT = 900


def large_repository() -> dict[str, str]:
    files = {"README.md": "# Big project\n\nThe overview of a project with a great deal of documentation.\n"}
    for i in range(DOCUMENTS):
        topic, other = TOPICS[i % len(TOPICS)], TOPICS[(i * 7 + 3) % len(TOPICS)]
        files[f"docs/part{i // 100:02d}/page{i:04d}.md"] = (
            f"# Working with {topic} {i}\n\nThis page explains {topic} and how they relate to {other}.\n\n"
            f"## Setting up {topic}\n\nConfigure {topic} before you use {other}. Run `tool {topic} {i}`.\n")
    return files


def text_of(request) -> str:
    return "\n".join(str(m.get("content")) for m in request.body.get("messages", []))


def model(request):
    """A model that answers each kind of request the stages make, validly."""
    text = text_of(request)
    if found := re.search(r'<document path="([^"]+)"', text):
        path = found.group(1)
        topic = TOPICS[int(re.search(r"(\d+)\.md$", path).group(1)) % len(TOPICS)] if path != "README.md" else "overview"
        return answer({"title": f"About {path}", "doc_type": "guide", "complexity_level": "beginner",
                       "key_concepts": [topic], "learning_objectives": [f"Configure {topic}"],
                       "summary": f"How {topic} work.", "assumed_knowledge": [], "topics": [topic]})
    if found := re.search(r"<modules>(.*)</modules>", text, re.DOTALL):
        modules = json.loads(found.group(1))
        return answer({"modules": [{"index": m["index"], "title": f"Model title {m['index']}",
                                    "description": "Written by the model.",
                                    "learning_objectives": ["Explain the module"]} for m in modules]})
    return answer("I cannot help with that.")  # the probe, or anything unexpected: not JSON


async def test_two_thousand_documents_plan_pathways_on_an_8k_model(api, nats_server, tmp_path):
    make_repo(tmp_path / "big", large_repository())
    with FakeOpenAIServer(default=model) as llm:
        env = {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": llm.base_url, "OPENAI_MODEL": "local-8k",
               "OPENAI_STRUCTURED_OUTPUT": "json", "LLM_CONTEXT_TOKENS": str(WINDOW),
               "ANALYSIS_CONCURRENCY": "16", "LLM_MAX_CONCURRENCY": "16"}
        with stage_services(nats_server.url, ["repo_clone", "doc_analyser", "pathway"], env=env):
            course_id = await scanned_and_selected(api, str(tmp_path / "big"), ["docs"], overview="README.md")
            await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
            stage2 = await wait_for_stage(api, course_id, "stage2", timeout=STAGE_TIMEOUT)
            assert stage2["status"] == "SUCCESS", stage2
            assert stage2["result"]["document_count"] == DOCUMENTS + 1 and stage2["fallbacks"] == []
            analysed = len(llm.requests)

            await start(api, course_id, "generate-pathways", {})
            stage3 = await wait_for_stage(api, course_id, "stage3", timeout=STAGE_TIMEOUT)
            assert stage3["status"] == "SUCCESS", stage3
            assert stage3["fallbacks"] == []
            pathways = await whole_pathways(api, course_id)

    planning = llm.requests[analysed:]
    assert len(planning) > 1  # batches, not one prompt with the whole table
    assert not any("<documents>" in text_of(r) for r in planning)
    for request in llm.requests:
        output = request.body.get("max_tokens") or request.body.get("max_completion_tokens")
        assert request_tokens(request.body) + output <= WINDOW, "a request over the model's window was sent"
    assert len(pathways) >= 2
    for pathway in pathways:
        assert all(m["title"].startswith("Model title") for m in pathway["modules"])
    covered = {d["path"] for p in pathways for m in p["modules"] for d in m["documents"]}
    assert len(covered) == DOCUMENTS + 1  # every document in at least one pathway
