"""A small repository through all four stages with LLM_PROVIDER=openai against a real model
(SmolLM2-135M-Instruct served by cyllama, ops/local/llama_server.py) — the services, gateway, NATS and
PostgreSQL real too. A 135M model writes weak and often malformed answers: that is the point. The
stages complete; the token usage recorded is the server's own count; every item the offline
engine produced instead is counted and reported; no document is dropped; no request asks for more
than the context window."""
from __future__ import annotations

import pytest

from services.modules.engine.ledger import check_module
from services.modules.engine.sources import SourceDoc
from services.modules.models import ModuleContent, ModuleSpec
from shared.docs.parsing import parse
from shared.llm.prompt_size import request_tokens
from ops.local.llama_server import MODEL_NAME, env_for
from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import make_repo
from tests.support.processes import stage_services
from tests.support.real_model import RecordingProxy, real_model  # noqa: F401

# Few and short documents: the model runs on the test machine's CPU.
REPO = {
    "README.md": "# Kettle\n\nKettle boils water for tea. Read the [install guide](docs/install.md) first.\n",
    "docs/install.md": "# Install\n\nRun `pip install kettle`. Kettle needs Python 3.11.\n",
    "docs/brewing.md": ("# Brewing\n\nAfter you [install](install.md) Kettle, call `kettle.boil()` and wait "
                        "for the whistle. Pour the water over the tea leaves.\n"),
}
SELECTED = {"docs/install.md", "docs/brewing.md", "README.md"}
STAGE_TIMEOUT = 900  # seconds a stage may take on 2 shared CPU cores
SERVICES = {"doc_analyser", "pathway", "modules"}  # the ones that ask the model


OUTPUT_TOKENS = 192


@pytest.fixture
def settings(settings, real_model):
    """The gateway knows the stages' provider, model and limits, as under `make run` (for estimates)."""
    return settings.model_copy(update={"llm_provider": "openai", "openai_model": MODEL_NAME,
                                       "llm_context_tokens": real_model.context_tokens,
                                       "llm_max_output_tokens": OUTPUT_TOKENS})


async def estimated_tokens(api, course_id: str, complexity_level: str) -> int:
    answer = await api.get(f"/api/courses/{course_id}/stage2/estimate", headers=ALICE,
                           params={"complexity_level": complexity_level})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["cached_items"] == 0 and not body["priced"]  # a local model costs nothing
    return body["input_tokens"] + body["output_tokens"]


@pytest.fixture
def proxy(real_model):
    with RecordingProxy(real_model.base_url) as recording:
        yield recording


async def events_of(api, course_id: str, event_type: str) -> list[dict]:
    events = (await api.get(f"/api/courses/{course_id}/events", headers=ALICE, params={"limit": 1000})).json()
    return [e["payload"] for e in events["events"] if e["event_type"] == event_type]


def spent(exchanges) -> dict:
    """What the server counted, as our usage records it (cached tokens are part of the prompt)."""
    return {"calls": len(exchanges), "tokens_in": sum(e.prompt_tokens for e in exchanges),
            "tokens_out": sum(e.completion_tokens for e in exchanges)}


def recorded(usage: dict) -> dict:
    return {"calls": usage["calls"], "tokens_in": usage["input_tokens"] + usage["cache_read_tokens"],
            "tokens_out": usage["output_tokens"]}


async def run_stage(api, proxy, course_id: str, action: str, body: dict, stage: str) -> tuple[dict, list]:
    before = len(proxy.exchanges)
    await start(api, course_id, action, body)
    status = await wait_for_stage(api, course_id, stage, timeout=STAGE_TIMEOUT)
    assert status["status"] == "SUCCESS", status
    return status, proxy.exchanges[before:]


async def published_claims_are_supported(api, course_id: str, course: dict, modules: list[dict],
                                         planned: list[dict]) -> None:
    """The claim ledger of what the model wrote: in the events, the API and the version; checked
    again here against the repository's own files, the published text holds no unsupported or
    uncited claim."""
    generated = (await api.get(f"/api/courses/{course_id}/generated-course", headers=ALICE)).json()
    ledger = generated["ledger"]
    counts = {key: ledger[key] for key in course["claims"]}
    assert counts == course["claims"] and ledger["claims"]
    assert all(m["claims"] for m in modules) and len(modules) == len(ledger["modules"])
    assert ledger["checked"] and ledger["supported"] + ledger["unsupported"] + ledger["uncited"] == ledger["checked"]
    assert len(ledger["claims"]) == ledger["checked"]
    assert ledger["replaced"] + ledger["removed"] == ledger["unsupported"] + ledger["uncited"]
    [version] = (await api.get(f"/api/courses/{course_id}/versions", headers=ALICE)).json()["versions"]
    assert version["ledger"] == ledger
    # The sources as stage 4 read them: the files, and what stage 2 said of each.
    listing = (await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)).json()
    said = {d.get("file_path") or d.get("path"): d for d in listing["documents"]}
    sources = [SourceDoc(parse(path, REPO[path]), said[path]["title"] or "", said[path]["doc_type"],
                         tuple(said[path]["key_concepts"]), tuple(said[path]["learning_objectives"]),
                         said[path]["summary"] or "", raw_text=REPO[path]) for path in sorted(SELECTED)]
    for module, plan in zip(generated["modules"], planned):
        content = ModuleContent.model_validate(module["content"])
        documents = [d["path"] for d in plan["documents"]]
        spec = ModuleSpec(module_id=module["module_id"], position=module["position"], title=plan["title"],
                          learning_objectives=plan.get("learning_objectives") or [], documents=documents,
                          estimated_minutes=plan.get("estimated_minutes") or 0)
        again = check_module(content, spec, [s for s in sources if s.path in documents])
        assert again.counts.unsupported == again.counts.uncited == 0, again.claims


async def test_a_real_model_through_all_four_stages(api, nats_server, proxy, real_model, tmp_path):
    make_repo(tmp_path / "kettle", REPO)
    env = env_for(proxy.base_url, LLM_MAX_OUTPUT_TOKENS=str(OUTPUT_TOKENS), LLM_TIMEOUT_SECONDS="600",
                  LLM_CONTEXT_TOKENS=str(real_model.context_tokens),
                  ANALYSIS_CONCURRENCY="1", LLM_MAX_CONCURRENCY="1", DOCUMENT_ATTEMPTS="1")
    with stage_services(nats_server.url, env=env):
        course_id = await scanned_and_selected(api, str(tmp_path / "kettle"), ["docs"], overview="README.md")

        before = await estimated_tokens(api, course_id, "beginner")
        stage2, asked2 = await run_stage(api, proxy, course_id, "analyze-documents",
                                         {"complexity_level": "beginner"}, "stage2")
        counted = spent(asked2)["tokens_in"] + spent(asked2)["tokens_out"]
        assert before > 0
        # The same documents for another audience (nothing cached), estimated from what this model
        # just took (requests per document with its repair turns, answer length): within ±25 %.
        after = await estimated_tokens(api, course_id, "advanced")
        assert abs(after / counted - 1) <= 0.25, (before, after, counted)
        [analysed] = await events_of(api, course_id, "DocsAnalysed")
        per_document = await events_of(api, course_id, "DocAnalysed")
        assert {d["path"] for d in per_document} == SELECTED  # none dropped, none skipped
        assert analysed["document_count"] == len(SELECTED) and analysed["skipped"] == []
        listing = (await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)).json()
        assert listing["total"] == len(SELECTED)
        fell_back = {d["path"]: d["fallback_reason"] for d in per_document if d["engine"] == "offline-fallback"}
        assert all(reason for reason in fell_back.values())
        assert {f["item"]: f["reason"] for f in stage2["fallbacks"]} == fell_back
        assert {f["item"] for f in analysed["fallbacks"]} == set(fell_back)
        assert recorded(analysed["usage"]) == spent(asked2)

        stage3, asked3 = await run_stage(api, proxy, course_id, "generate-pathways", {}, "stage3")
        [generated] = await events_of(api, course_id, "PathwaysGenerated")
        assert stage3["fallbacks"] == generated["fallbacks"] and len(generated["fallbacks"]) <= 1
        assert recorded(generated["usage"]) == spent(asked3)
        pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
        assert {d["path"] for p in pathways for m in p["modules"] for d in m["documents"]} == SELECTED

        chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                json={"selected_pathway_id": pathways[0]["id"]})
        assert chosen.status_code == 200, chosen.text
        stage4, asked4 = await run_stage(api, proxy, course_id, "generate-course", {}, "stage4")
        [course] = await events_of(api, course_id, "CourseGenerated")
        modules = await events_of(api, course_id, "ModuleGenerated")
        assert len(modules) == course["module_count"] == len(pathways[0]["modules"])
        fell_back_modules = [m for m in modules if m["engine"] == "offline-fallback"]
        assert len(stage4["fallbacks"]) == len(course["fallbacks"]) == len(fell_back_modules)
        assert recorded(course["usage"]) == spent(asked4)
        exported = await api.get(f"/api/courses/{course_id}/export", headers=ALICE)
        assert exported.status_code == 200 and exported.content[:2] == b"PK"
        await published_claims_are_supported(api, course_id, course, modules, pathways[0]["modules"])

    exchanges = proxy.exchanges
    assert exchanges and all(e.status == 200 for e in exchanges)
    # Nothing over the context window: what was sent plus the output asked for fits.
    assert all(e.prompt_tokens + e.output_limit <= real_model.context_tokens for e in exchanges)
    # The size estimate that fits requests to the window never undercounts the real tokenizer.
    assert all(request_tokens(e.request) >= e.prompt_tokens for e in exchanges)
    # auto found out once per service that cyllama ignores response_format and tools, so every
    # real request asked for JSON in the prompt.
    probes = [e for e in exchanges if "response_format" in e.request or "tools" in e.request]
    assert len(probes) == 2 * len(SERVICES)
    assert all("JSON Schema" in e.request["messages"][0]["content"] for e in exchanges if e not in probes)
