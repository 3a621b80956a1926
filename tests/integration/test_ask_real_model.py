"""The written answer of "Ask the course" (services/gateway/ask/written.py) from a real model:
SmolLM2-135M-Instruct served by cyllama (tests/support/real_model.py), through the OpenAI-compatible
provider built as the services build it, on three sections of a real tutorial. A 135M model writes
weak answers and seldom the JSON object asked for: this checks the guarantee, not the eloquence.
Every question ends one of two ways — a written answer whose every kept sentence cites a passage of
the list and is supported by the passages it cites, or InvalidAnswer, on which the caller answers
with the extractive answer — and both count what the model's calls cost. No request exceeds the
window, a small one included (the passages are trimmed to fit)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ops.local.llama_server import MODEL_NAME
from services.gateway.ask.passages import Passage, WrittenAnswer
from services.gateway.ask.support import is_supported, split_sentences, supported_sentences
from services.gateway.ask.written import OFFLINE_ENGINES, written_answer
from shared.llm.factory import build_provider
from shared.llm.prompt_size import request_tokens
from shared.llm.provider import InvalidAnswer, LLMProvider
from shared.llm.settings import LLMSettings
from tests.support.real_model import RecordingProxy, real_model  # noqa: F401

TUTORIAL = Path(__file__).resolve().parents[1] / "fixtures" / "real_docs" / "docusaurus-tutorial" / "docs"
OUTPUT_TOKENS = 192  # as the real model's course test: the model runs on the test machine's CPU
SMALL_WINDOW = 1280  # room for the passages in part only: the longest is cut
QUESTIONS = ["How do I build my site for production?",
             "Where is a new document available after I create docs/hello.md?",
             "How do I start the development server?"]


def section(path: str, heading: str, number: int) -> Passage:
    """The section under `heading` of a tutorial page, as retrieval cites one: its lines up to the next
    heading of its level or above (outside code blocks); its text without Markdown's emphasis."""
    lines = (TUTORIAL / path).read_text(encoding="utf-8").splitlines()
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


@pytest.fixture
def proxy(real_model):
    with RecordingProxy(real_model.base_url) as recording:
        yield recording


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
