"""Ask the course with a model configured (ASK_WITH_MODEL, the OpenAI-compatible provider) against
the real small model (SmolLM2-135M served by cyllama, tests/support/real_model.py), through the real
gateway, stage services (offline), nats-server and PostgreSQL, on a real tutorial. The 135M model
seldom writes what is asked: the test holds the guarantee, not the prose — the answer is the model's
with every kept sentence citing a passage that supports it, or the passages quoted with a note saying
why; either way the model's calls are counted in the recorded answer, as the server counted them. And
the written answer straight from the provider, on three sections of the tutorial: whatever the model
replies, what is kept of it is cited and supported, every call is counted once, and no request exceeds
the window, a small one included (the passages are trimmed to fit). One file, so one worker's model
server answers both: two models at once would starve a two-core machine."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ops.local.llama_server import MODEL_NAME, env_for
from services.gateway.ask.passages import Passage, WrittenAnswer
from services.gateway.ask.support import is_supported, split_sentences, supported_sentences
from services.gateway.ask.written import OFFLINE_ENGINES, written_answer
from shared.events.catalogue import TutorAnswered
from shared.events.subjects import subject_of
from shared.llm.factory import build_provider
from shared.llm.prompt_size import request_tokens
from shared.llm.provider import InvalidAnswer, LLMProvider
from shared.llm.settings import LLMSettings
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
            # On the learners' subjects (learning.<course_id>.…), not in the course's own history.
            stored = await api.app.state.container.nc.jsm().get_last_msg(
                "COURSES", subject_of(course_id, TutorAnswered))
            recorded = json.loads(stored.data)["payload"]
            assert recorded["engine"] == answer["engine"] and recorded["usage"] is not None
            assert recorded["usage"]["calls"] == len(proxy.exchanges)
            assert recorded["usage"]["output_tokens"] == sum(e.completion_tokens for e in proxy.exchanges)
            history = (await api.get(f"/api/courses/{course_id}/ask/history", headers=ALICE)).json()["items"]
            assert [item["ask_id"] for item in history] == [answer["ask_id"]]


# --- the written answer itself (services/gateway/ask/written.py), straight from the provider ---

TUTORIAL_DOCS = TUTORIAL / "docs"
SMALL_WINDOW = 1280  # room for the passages in part only: the longest is cut
# Each question costs the CPU a model's answer: one in the whole window, one in a small one.
QUESTIONS = ["Where is a new document available after I create docs/hello.md?"]


def section(path: str, heading: str, number: int) -> Passage:
    """The section under `heading` of a tutorial page, as retrieval cites one: its lines up to the next
    heading of its level or above (outside code blocks); its text without Markdown's emphasis."""
    lines = (TUTORIAL_DOCS / path).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#") and line.lstrip("#").strip() == heading)
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    end, fenced = len(lines), False
    for index in range(start + 1, len(lines)):
        fenced ^= lines[index].startswith("```")
        if not fenced and lines[index].startswith("#") and len(lines[index]) - len(lines[index].lstrip("#")) <= level:
            end = index
            break
    quote = "\n".join(lines[start + 1:end]).strip()
    return Passage(number=number, path=f"docs/{path}", heading=heading, anchor=heading.lower().replace(" ", "-"),
                   start_line=start + 1, end_line=end, quote=quote, text=quote.replace("**", ""))


PASSAGES = [section("tutorial-basics/deploy-your-site.mdx", "Build your site", 1),
            section("tutorial-basics/create-a-document.mdx", "Create your first Doc", 2),
            section("intro.mdx", "Start your site", 3)]


def provider_for(proxy: RecordingProxy, context_tokens: int) -> LLMProvider:
    settings = LLMSettings(llm_provider="openai", openai_base_url=proxy.base_url, openai_model=MODEL_NAME,
                           openai_structured_output="auto", llm_context_tokens=context_tokens,
                           llm_max_output_tokens=OUTPUT_TOKENS, llm_timeout_seconds=600, llm_max_concurrency=1)
    return build_provider(settings, OFFLINE_ENGINES)


async def ask(provider: LLMProvider, question: str) -> WrittenAnswer | InvalidAnswer:
    try:
        return await written_answer(provider, question, PASSAGES)
    except InvalidAnswer as error:  # the caller answers with the extractive answer
        return error


def cited_text(numbers) -> str:
    by_number = {p.number: p for p in PASSAGES}
    return " ".join(f"{by_number[n].path} {by_number[n].heading} {by_number[n].text}" for n in numbers)


def assert_honest(sentences) -> None:
    """Each sentence cites passages of the list and holds nothing they do not: checked by the rule, and
    again here, independently of it, for its numbers, code in backticks and option names."""
    numbers = {p.number for p in PASSAGES}
    for sentence in sentences:
        assert sentence.citations and set(sentence.citations) <= numbers, sentence
        assert is_supported(sentence, [p for p in PASSAGES if p.number in sentence.citations]), sentence
        source = " ".join(cited_text(sentence.citations).split())
        for claim in (re.findall(r"\d+", sentence.text) + re.findall(r"`([^`]+)`", sentence.text)
                      + re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", sentence.text)):
            assert " ".join(claim.split()) in source, (claim, sentence)


async def test_every_kept_sentence_of_a_real_model_s_answer_is_cited_and_supported(proxy, real_model):
    outcomes: list[WrittenAnswer | InvalidAnswer] = []
    window_of_exchange: list[int] = []
    for window, questions in ((real_model.context_tokens, QUESTIONS), (SMALL_WINDOW, QUESTIONS[:1])):
        provider = provider_for(proxy, window)
        try:
            for question in questions:
                outcomes.append(await ask(provider, question))
        finally:
            await provider.aclose()
        window_of_exchange += [window] * (len(proxy.exchanges) - len(window_of_exchange))

    exchanges = proxy.exchanges
    assert exchanges and all(e.status == 200 for e in exchanges)
    # What each outcome says it cost is what the server was asked: every request counted once.
    usages = [o.usage if isinstance(o, WrittenAnswer) else getattr(o, "usage", None) for o in outcomes]
    assert all(usage is not None and usage.calls >= 1 for usage in usages), outcomes
    assert sum(usage.calls for usage in usages) == len(exchanges)
    for outcome in outcomes:
        if isinstance(outcome, WrittenAnswer):
            assert_honest(outcome.sentences)
            assert outcome.removed >= 0

    asked = [(e, window) for e, window in zip(exchanges, window_of_exchange)
             if "response_format" not in e.request and "tools" not in e.request]  # not the mode probes
    assert asked
    for exchange, window in asked:
        # Nothing over the window: what was sent plus the output asked for fits, and our estimate of a
        # request never undercounts the server's tokenizer.
        assert exchange.prompt_tokens + exchange.output_limit <= window
        assert request_tokens(exchange.request) >= exchange.prompt_tokens
        user = next(m["content"] for m in exchange.request["messages"] if m["role"] == "user")
        if window == real_model.context_tokens:
            assert all(f"[{p.number}] ({p.path}: {p.heading})" in user for p in PASSAGES)
        else:
            assert "[1] (" in user and " […]" in user

    # Whatever shape the model's replies took, the check holds on its real prose too: what it keeps of
    # each reply, read as an answer, is cited and supported.
    replies = [(e.answer.get("choices") or [{}])[0].get("message", {}).get("content") or "" for e, _ in asked]
    read = [split_sentences(reply) for reply in replies]
    assert any(read), replies
    for sentences in read:
        kept, removed = supported_sentences(sentences, PASSAGES)
        assert removed == len(sentences) - len(kept)
        assert_honest(kept)
