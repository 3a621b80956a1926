"""A course in French written by a real small model (SmolLM2-135M-Instruct, tests/support/real_model.py)
through the real services, NATS and PostgreSQL (issue 48): stage 4's prompt asks for French; each
module the model wrote and kept is detected French; each it did not (invalid, or still not French
after the retry that says so) was written by the offline engine, recorded with its reason, and the
course says its text stayed in its sources' language; the export's labels are French and its HTML
says lang="fr". Stages 1 to 3 run offline: only stage 4's text is under test, and 135M on a CPU is slow."""
from __future__ import annotations

import pytest

from ops.local.llama_server import env_for
from services.modules.course_language import language_instruction, wrong_language
from services.modules.models import ModuleContent
from shared.course_labels import TABLE, content_language_note
from tests.support.flows import ALICE, start, wait_for_stage
from tests.support.gitrepos import make_repo
from tests.support.processes import stage_services
from tests.support.real_model import RecordingProxy, real_model  # noqa: F401

REPO = {
    "README.md": "# Kettle\n\nKettle boils water for tea.\n",
    "docs/install.md": ("# Install\n\nKettle boils water for tea. To install Kettle, run `pip install kettle`. "
                        "Kettle needs Python 3.11.\n"),
}
STAGE_TIMEOUT = 900  # seconds stage 4 may take on 2 shared CPU cores
OUTPUT_TOKENS = 384


@pytest.fixture
def proxy(real_model):
    with RecordingProxy(real_model.base_url) as recording:
        yield recording


async def events_of(api, course_id: str, event_type: str) -> list[dict]:
    events = (await api.get(f"/api/courses/{course_id}/events", headers=ALICE, params={"limit": 1000})).json()
    return [e["payload"] for e in events["events"] if e["event_type"] == event_type]


async def succeeded(api, course_id: str, action: str, body: dict, stage: str, timeout: float = 120) -> dict:
    await start(api, course_id, action, body)
    status = await wait_for_stage(api, course_id, stage, timeout=timeout)
    assert status["status"] == "SUCCESS", status
    return status


async def test_a_french_course_written_by_a_real_model(api, nats_server, proxy, real_model, tmp_path):
    make_repo(tmp_path / "kettle", REPO)
    model = env_for(proxy.base_url, LLM_MAX_OUTPUT_TOKENS=str(OUTPUT_TOKENS), LLM_TIMEOUT_SECONDS="600",
                    LLM_CONTEXT_TOKENS=str(real_model.context_tokens), LLM_MAX_CONCURRENCY="1")
    with stage_services(nats_server.url, ["repo_clone", "doc_analyser", "pathway"]), \
            stage_services(nats_server.url, ["modules"], env=model):
        created = await api.post("/api/projects/", headers=ALICE, json={"title": "Bouilloire", "language": "fr"})
        assert created.status_code == 201, created.text
        course_id = created.json()["course_id"]
        assert created.json()["language"] == "fr"
        await succeeded(api, course_id, "analyze-repository", {"repo_url": str(tmp_path / "kettle")}, "stage1")
        selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                                  json={"selected_folders": ["docs"], "overview_document": "README.md"})
        assert selected.status_code == 200, selected.text
        await succeeded(api, course_id, "analyze-documents", {}, "stage2")
        await succeeded(api, course_id, "generate-pathways", {}, "stage3")
        pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
        chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                json={"selected_pathway_id": pathways[0]["id"]})
        assert chosen.status_code == 200, chosen.text
        stage4 = await succeeded(api, course_id, "generate-course", {}, "stage4", timeout=STAGE_TIMEOUT)

        generated = (await api.get(f"/api/courses/{course_id}/generated-course", headers=ALICE)).json()
        written = await events_of(api, course_id, "ModuleGenerated")
        [course] = await events_of(api, course_id, "CourseGenerated")
        book = await api.get(f"/api/courses/{course_id}/export", headers=ALICE, params={"format": "html"})

    # The model was asked for French, in every request stage 4 made.
    asked = [e for e in proxy.exchanges if "messages" in e.request and "tools" not in e.request
             and "response_format" not in e.request]
    assert asked and all(language_instruction("fr") in e.request["messages"][0]["content"] for e in asked)

    assert generated["language"] == course["language"] == "fr"
    by_id = {m["module_id"]: m for m in written}
    for module in generated["modules"]:
        event = by_id[module["module_id"]]
        if event["engine"] == "provider":  # the model's text, kept: French
            assert wrong_language(ModuleContent.model_validate(module["content"]), "fr") is None, module["content"]
        else:  # the offline engine wrote it instead, and why is recorded
            assert event["fallback_reason"]
    fell_back = [m for m in written if m["engine"] != "provider"]
    assert len(stage4["fallbacks"]) == len(course["fallbacks"]) == len(fell_back)
    if fell_back:  # the course says its text stayed in its sources' English
        assert generated["content_language"] == "en"
        assert generated["language_note"] == content_language_note("fr", "en")
    else:
        assert generated["content_language"] == "fr" and generated["language_note"] is None

    assert book.status_code == 200, book.text
    html = book.text
    assert '<html lang="fr" dir="ltr">' in html
    assert TABLE["module_of"]["fr"].format(n=1, total=len(written)) in html
    assert f">{TABLE['contents']['fr']}<" in html
