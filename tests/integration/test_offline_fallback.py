"""Degrade, don't die: an answer still invalid after the repair turn is produced by the offline
engine and marked with the reason, what the model's attempts cost still counted; LLM_STRICT keeps
the failure. Through the real provider and SDK against the local Chat Completions server."""
from __future__ import annotations

import pytest

from services.pathway.planner import plan
from shared.llm.factory import build_provider
from shared.llm.offline import OfflineProvider
from shared.llm.provider import InvalidAnswer
from services.pathway.engine.models import PathwayDocument, PathwayPlan
from services.pathway.engine.prompts import pathways_prompt, plan_pathways_task
from services.pathway.engine.validation import validate_plan
from shared.stage.emitter import StageFailure
from tests.support.openai_fixtures import openai_server, openai_settings  # noqa: F401
from tests.support.openai_replies import answer, usage

DOCS = [PathwayDocument(path=p, title=t, doc_type=k, complexity_level="beginner", prerequisites=pre,
                        reading_minutes=m)
        for p, t, k, pre, m in [("README.md", "Kettle", "overview", [], 2),
                                ("docs/install.md", "Install", "how-to", [], 5),
                                ("docs/brewing.md", "Brewing", "how-to", ["docs/install.md"], 8)]]
PROMPT = pathways_prompt(DOCS, 2, "", "README.md", 45, "kettle")
ENGINES = {"plan_pathways": plan_pathways_task}


def provider(server, **overrides):
    return build_provider(openai_settings(server, openai_structured_output="json", **overrides), ENGINES)


async def test_an_answer_invalid_after_its_repair_is_the_offline_engines_marked(openai_server):
    openai_server.push(answer("I think pathways are great.", usage=usage(900, 40)),
                       answer('{"pathways": [', usage=usage(1000, 50)))
    model = provider(openai_server)
    try:
        completion = await model.complete(PROMPT, PathwayPlan)
    finally:
        await model.aclose()
    expected = await OfflineProvider(ENGINES).complete(PROMPT, PathwayPlan)
    assert completion.value == expected.value
    assert "did not fit PathwayPlan, even after one repair" in completion.fallback
    assert "not valid JSON" in completion.fallback
    used = completion.usage  # what the model's two attempts cost, though its answer is not used
    assert (used.provider, used.calls, used.input_tokens, used.output_tokens) == ("openai", 2, 1900, 90)


async def test_llm_strict_keeps_the_failure(openai_server):
    openai_server.push(answer("no"), answer("still no"))
    model = provider(openai_server, llm_strict=True)
    try:
        with pytest.raises(InvalidAnswer, match="did not fit PathwayPlan"):
            await model.complete(PROMPT, PathwayPlan)
    finally:
        await model.aclose()


async def test_the_planner_reports_the_pathways_as_a_fallback(openai_server):
    openai_server.push(answer("no"), answer("still no"))
    model = provider(openai_server)
    try:
        planned = await plan(model, PROMPT, DOCS)
    finally:
        await model.aclose()
    assert validate_plan(planned.plan, DOCS) == []
    [fallback] = planned.fallbacks
    assert fallback["item"] == "pathways" and "did not fit PathwayPlan" in fallback["reason"]
    assert planned.usage.calls == 2


async def test_the_planner_under_llm_strict_fails_the_stage_with_the_reason(openai_server):
    openai_server.push(answer("no"), answer("still no"))
    model = provider(openai_server, llm_strict=True)
    try:
        with pytest.raises(StageFailure, match="could not plan pathways.*did not fit PathwayPlan"):
            await plan(model, PROMPT, DOCS)
    finally:
        await model.aclose()
