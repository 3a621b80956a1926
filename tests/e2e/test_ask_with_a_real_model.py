"""Ask the course with a model configured (ASK_WITH_MODEL, the OpenAI-compatible provider) against
the real small model (SmolLM2-135M served by cyllama, tests/support/real_model.py), through the real
gateway, stage services (offline), nats-server and PostgreSQL, on a real tutorial. The 135M model
seldom writes what is asked: the test holds the guarantee, not the prose — the answer is the model's
with every kept sentence citing a passage that supports it, or the passages quoted with a note saying
why; either way the model's calls are counted in the recorded answer, as the server counted them."""
from __future__ import annotations

from pathlib import Path

import pytest

from ops.local.llama_server import env_for
from services.gateway.ask.support import is_supported, split_sentences
from services.gateway.ask.passages import Passage
from tests.support.flows import ALICE
from tests.support.gateway import running_gateway
from tests.support.gitrepos import make_repo
from tests.support.processes import stage_services
from tests.support.real_model import RecordingProxy, real_model  # noqa: F401
from tests.support.refreshing import written_course

TUTORIAL = Path(__file__).resolve().parents[1] / "fixtures" / "real_docs" / "docusaurus-tutorial"
OUTPUT_TOKENS = 192


@pytest.fixture
def proxy(real_model):
    with RecordingProxy(real_model.base_url) as recording:
        yield recording


async def test_a_question_is_answered_through_the_real_model_or_quoted_and_its_cost_counted(
        settings, nats_server, proxy, real_model, tmp_path, monkeypatch):
    files = {p.relative_to(TUTORIAL).as_posix(): p.read_bytes() for p in TUTORIAL.rglob("*") if p.is_file()}
    files["README.md"] = b"# My site\n\nA Docusaurus site.\n"
    make_repo(tmp_path / "site", files)
    with stage_services(nats_server.url):  # the stages offline: only the answer asks the model
        # The gateway reads the model's settings from its environment (set after the stage services started).
        for name, value in env_for(proxy.base_url, LLM_MAX_OUTPUT_TOKENS=str(OUTPUT_TOKENS), LLM_TIMEOUT_SECONDS="600",
                                   LLM_CONTEXT_TOKENS=str(real_model.context_tokens), LLM_MAX_RETRIES="0").items():
            monkeypatch.setenv(name, value)
        gateway = settings.model_copy(update={"allow_local_repos": True, "ask_with_model": True})
        async with running_gateway(gateway) as api:
            assert api.app.state.container.tutor.provider is not None
            course_id, _ = await written_course(api, str(tmp_path / "site"))
            asked = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE,
                                   json={"question": "How do I build my site for production?"})
            assert asked.status_code == 200, asked.text
            answer = asked.json()
            assert answer["covered"] and answer["citations"], answer
            assert proxy.exchanges, "the model was asked"
            if answer["engine"] == "model":
                passages = {c["n"]: Passage(c["n"], c["path"], c["heading"], c["anchor"], c["start_line"],
                                            c["end_line"], c["quote"], c["quote"]) for c in answer["citations"]}
                for sentence in split_sentences(answer["answer"]):
                    assert sentence.citations and set(sentence.citations) <= set(passages), sentence
                    assert is_supported(sentence, [passages[n] for n in sentence.citations]), sentence
            else:
                assert answer["answer"].startswith("Quoted from the course's sources"), answer
                assert answer["note"] and "quoted instead" in answer["note"], answer
            events = (await api.get(f"/api/courses/{course_id}/events", headers=ALICE,
                                    params={"limit": 1000})).json()["events"]
            [recorded] = [e["payload"] for e in events if e["event_type"] == "TutorAnswered"]
            assert recorded["engine"] == answer["engine"] and recorded["usage"] is not None
            assert recorded["usage"]["calls"] == len(proxy.exchanges)
            assert recorded["usage"]["output_tokens"] == sum(e.completion_tokens for e in proxy.exchanges)
            history = (await api.get(f"/api/courses/{course_id}/ask/history", headers=ALICE)).json()["items"]
            assert [item["ask_id"] for item in history] == [answer["ask_id"]]
