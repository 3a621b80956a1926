"""GET …/stage2/estimate and …/stage4/estimate through a real gateway (nats-server, PostgreSQL): what
the stage would cost if started now, for the provider and model the stages are configured with;
409 saying what must happen first; another user's course is 404."""
from __future__ import annotations

import pytest

from services.gateway.settings import GatewaySettings
from shared.llm.estimates import ModelHistory, estimate_stage2, estimate_stage4
from tests.support.flows import ALICE, new_course
from tests.support.gateway import auth, running_gateway
from tests.support.seeded_stages import analysed, planned, scanned

FILES = {"README.md": 1200, "docs/a.md": 9000, "docs/b.md": 4000, "docs/c.md": 30000, "other/x.md": 500}
SELECTED = ["README.md", "docs/a.md", "docs/b.md", "docs/c.md"]  # docs/ and the overview
MODEL = "claude-sonnet-4-5"
ATTEMPTS = 3  # DOCUMENT_ATTEMPTS, read by the gateway as by doc_analyser: the high end of a range


@pytest.fixture
async def priced_gateway(settings):
    """The gateway as `make run` starts it for stages on Anthropic: it reads the provider and the
    model (the same variables as the stage services), and needs no API key for that."""
    configured = GatewaySettings(**{**settings.model_dump(), "llm_provider": "anthropic", "anthropic_model": MODEL,
                                    "document_attempts": ATTEMPTS})
    async with running_gateway(configured) as client:
        yield client


async def selected_course(api) -> str:
    course_id = await new_course(api)
    await scanned(api.app.state.container, course_id, FILES)
    chosen = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                            json={"selected_folders": ["docs"], "overview_document": "README.md"})
    assert chosen.status_code == 200, chosen.text
    return course_id


async def test_stage2_estimate_counts_the_selected_documents_and_prices_them(priced_gateway):
    course_id = await selected_course(priced_gateway)
    answer = await priced_gateway.get(f"/api/courses/{course_id}/stage2/estimate", headers=ALICE)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = estimate_stage2([FILES[p] for p in SELECTED], "anthropic", MODEL, attempts=ATTEMPTS)
    assert body["stage"] == "stage2" and body["unit"] == "documents"
    assert (body["items"], body["input_tokens"], body["output_tokens"]) == (4, expected.input_tokens,
                                                                          expected.output_tokens)
    assert body["cached_items"] == 0 and body["priced"] and body["cost_usd"] == expected.cost_usd > 0
    assert (body["provider"], body["model"]) == ("anthropic", MODEL)
    assert "same repository snapshot" in body["cache_rule"]
    # This model has not run here yet: a range, from one request per document to what the tries allow.
    assert body["high"] == {"input_tokens": expected.high.input_tokens, "output_tokens": expected.high.output_tokens,
                            "cost_usd": expected.high.cost_usd}
    assert body["high"]["cost_usd"] > body["cost_usd"] and f"DOCUMENT_ATTEMPTS={ATTEMPTS}" in body["note"]


async def test_documents_analysed_before_on_the_same_snapshot_and_settings_are_free(priced_gateway):
    course_id = await selected_course(priced_gateway)
    container = priced_gateway.app.state.container
    await analysed(container, course_id, ["docs/a.md", "docs/b.md", "other/x.md"], "anthropic", MODEL, "beginner")
    url = f"/api/courses/{course_id}/stage2/estimate"
    same = (await priced_gateway.get(url, headers=ALICE, params={"complexity_level": "beginner"})).json()
    assert same["items"] == 4 and same["cached_items"] == 2  # other/x.md is not in the selection
    # As this model took for this course's documents before: one request and 300 output tokens each.
    full = estimate_stage2([FILES[p] for p in SELECTED], "anthropic", MODEL,
                           history=ModelHistory.of_documents([(1, 300)] * 3))
    assert same["cost_usd"] < full.cost_usd and abs(same["output_tokens"] - full.output_tokens / 2) <= 1
    # Another audience is another cache entry: nothing is free.
    other = (await priced_gateway.get(url, headers=ALICE, params={"complexity_level": "advanced"})).json()
    assert other["cached_items"] == 0
    # A new scan (another snapshot) voids the hits, even for the same settings.
    await scanned(container, course_id, FILES, task="scan2", snapshot="snap2")
    await priced_gateway.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                              json={"selected_folders": ["docs"], "overview_document": "README.md"})
    rescanned = (await priced_gateway.get(url, headers=ALICE, params={"complexity_level": "beginner"})).json()
    assert rescanned["cached_items"] == 0


async def test_a_model_that_needed_its_repair_turn_before_is_estimated_to_need_it_again(priced_gateway):
    """Earlier runs of the same model, in any course, say how many requests a document took and
    how long its answers were: the next estimate follows them (no course is named)."""
    sizes = [FILES[p] for p in SELECTED]
    first = (await priced_gateway.get(f"/api/courses/{await selected_course(priced_gateway)}/stage2/estimate",
                                      headers=ALICE)).json()
    assert first["output_tokens"] == estimate_stage2(sizes, "anthropic", MODEL).output_tokens  # no history yet
    elsewhere = await new_course(priced_gateway)
    container = priced_gateway.app.state.container
    await scanned(container, elsewhere, FILES)
    await analysed(container, elsewhere, ["docs/a.md", "docs/b.md", "docs/c.md"], "anthropic", MODEL, "beginner",
                   calls_each=2)
    course_id = await selected_course(priced_gateway)
    after = (await priced_gateway.get(f"/api/courses/{course_id}/stage2/estimate", headers=ALICE)).json()
    expected = estimate_stage2(sizes, "anthropic", MODEL, history=ModelHistory(3, 6, 300))
    assert (after["input_tokens"], after["output_tokens"]) == (expected.input_tokens, expected.output_tokens)
    assert after["input_tokens"] > 2 * first["input_tokens"] * 0.9  # every document asked twice
    assert "2.00 requests" in after["note"] and "3 documents before" in after["note"]
    assert first["high"] is not None and after["high"] is None  # one expected figure, no range


async def test_stage4_estimate_counts_the_chosen_pathways_modules(priced_gateway):
    course_id = await selected_course(priced_gateway)
    container = priced_gateway.app.state.container
    await analysed(container, course_id, SELECTED, "anthropic", MODEL, "intermediate")
    url = f"/api/courses/{course_id}/stage4/estimate"
    modules = [["README.md"], ["docs/a.md", "docs/b.md"], ["docs/c.md"]]
    pathway_id = await planned(container, course_id, modules)

    unchosen = await priced_gateway.get(url, headers=ALICE)
    assert unchosen.status_code == 409 and "no pathway is selected" in unchosen.json()["detail"]

    chosen = await priced_gateway.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                       json={"selected_pathway_id": pathway_id})
    assert chosen.status_code == 200, chosen.text
    body = (await priced_gateway.get(url, headers=ALICE)).json()
    expected = estimate_stage4([[FILES[p] for p in m] for m in modules], "anthropic", MODEL, 200_000)
    assert body["stage"] == "stage4" and body["unit"] == "modules" and body["items"] == 3
    assert (body["input_tokens"], body["output_tokens"], body["cost_usd"]) == (
        expected.input_tokens, expected.output_tokens, expected.cost_usd)
    assert body["priced"] and body["cached_items"] == 0 and "no result cache" in body["cache_rule"]
    assert body["high"] is None


async def test_a_stage_not_ready_to_run_is_409_saying_what_comes_first(gateway):
    course_id = await new_course(gateway)
    stage2 = await gateway.get(f"/api/courses/{course_id}/stage2/estimate", headers=ALICE)
    assert stage2.status_code == 409 and "analyse the repository first" in stage2.json()["detail"]
    stage4 = await gateway.get(f"/api/courses/{course_id}/stage4/estimate", headers=ALICE)
    assert stage4.status_code == 409 and "stage 3 has not produced pathways" in stage4.json()["detail"]

    await scanned(gateway.app.state.container, course_id, FILES)
    unselected = await gateway.get(f"/api/courses/{course_id}/stage2/estimate", headers=ALICE)
    assert unselected.status_code == 409 and "no folders are selected" in unselected.json()["detail"]


async def test_the_offline_engine_costs_nothing_and_says_so(gateway):
    course_id = await selected_course(gateway)
    body = (await gateway.get(f"/api/courses/{course_id}/stage2/estimate", headers=ALICE)).json()
    assert body["items"] == 4 and body["cost_usd"] == 0 and not body["priced"]
    assert (body["provider"], body["model"]) == ("offline", "offline-engine") and "no model is called" in body["note"]


async def test_another_users_or_an_unknown_course_is_404(gateway):
    course_id = await selected_course(gateway)
    for stage in ("stage2", "stage4"):
        for who, course in ((auth("bob"), course_id), (ALICE, "no-such-course")):
            answer = await gateway.get(f"/api/courses/{course}/{stage}/estimate", headers=who)
            assert answer.status_code == 404, answer.text
    admin = await gateway.get(f"/api/courses/{course_id}/stage2/estimate", headers=auth("admin"))
    assert admin.status_code == 200
