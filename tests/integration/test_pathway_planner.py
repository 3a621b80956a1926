"""Stage 3's planner with the Anthropic provider against a local Messages-API server: a proposal
naming an unknown document or breaking a prerequisite is sent back with its problems, then
repaired if still wrong; a provider that keeps failing fails the stage with the reason."""
from __future__ import annotations

import pytest

from services.pathway.planner import plan
from shared.llm.offline import OfflineProvider
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.prompts import pathways_prompt, plan_pathways_task
from services.pathway.engine.validation import validate_plan
from shared.stage.emitter import StageFailure
from tests.support.llm_fixtures import TEST_API_KEY, anthropic_provider, llm_server  # noqa: F401
from tests.support.llm_replies import server_error, tool_use

DOCS = [PathwayDocument(path=p, title=t, doc_type=k, complexity_level="beginner", prerequisites=pre,
                        reading_minutes=m)
        for p, t, k, pre, m in [("README.md", "Skyline", "overview", [], 2),
                                ("docs/concepts.md", "Concepts", "concept", [], 10),
                                ("docs/start.md", "Getting started", "how-to", ["docs/concepts.md"], 8),
                                ("docs/api.md", "API", "reference", ["docs/concepts.md"], 20)]]


def module(title: str, documents: list[str]) -> dict:
    return {"title": title, "documents": documents, "estimated_minutes": 10, "complexity_level": "beginner"}


def proposal(*modules: dict) -> dict:
    return {"pathways": [{"key": "Foundations First", "title": "Foundations", "complexity_level": "beginner",
                          "modules": list(modules)}]}


VALID = proposal(module("Basics", ["README.md", "docs/concepts.md"]), module("Use", ["docs/start.md", "docs/api.md"]))
WRONG = proposal(module("Start", ["docs/start.md", "docs/nope.md"]), module("Then", ["docs/concepts.md"]))


def prompt():
    return pathways_prompt(DOCS, 1, "", "README.md", 45, "skyline")


async def test_an_invalid_proposal_is_sent_back_with_its_problems_and_the_answer_accepted(llm_server):
    llm_server.push(tool_use(WRONG), tool_use(VALID))
    async with anthropic_provider(llm_server) as provider:
        planned = await plan(provider, prompt(), DOCS)
    assert validate_plan(planned.plan, DOCS) == [] and planned.plan.pathways[0].key == "foundations-first"
    assert any("docs/nope.md" in p for p in planned.repaired)
    second = llm_server.requests[1].last_user_text
    assert "docs/nope.md" in second and "previous proposal had these problems" in second
    assert planned.usage.calls == 2


async def test_a_proposal_wrong_twice_is_repaired_deterministically(llm_server):
    llm_server.push(tool_use(WRONG), tool_use(WRONG))
    async with anthropic_provider(llm_server) as provider:
        planned = await plan(provider, prompt(), DOCS)
    assert validate_plan(planned.plan, DOCS) == []
    order = planned.plan.pathways[0].document_paths()
    assert "docs/nope.md" not in order and order.index("docs/concepts.md") < order.index("docs/start.md")
    assert set(order) == {d.path for d in DOCS}


async def test_a_provider_that_keeps_failing_fails_the_stage_saying_why(llm_server):
    llm_server.default = lambda request: server_error(500)
    async with anthropic_provider(llm_server, llm_max_retries=1) as provider:
        with pytest.raises(StageFailure, match="could not plan pathways.*500"):
            await plan(provider, prompt(), DOCS)


async def test_the_offline_engine_plans_valid_pathways_through_the_same_path():
    planned = await plan(OfflineProvider({"plan_pathways": plan_pathways_task}), prompt(), DOCS)
    assert planned.repaired == [] and validate_plan(planned.plan, DOCS) == []
    assert planned.usage.provider == "offline"
