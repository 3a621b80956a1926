"""The written answer (services/gateway/ask/written.py) with a scripted provider: what it asks (the
task, the numbered passages, fitted to the model's window), what it keeps of the answer (supported
sentences, citing passages of the list only), what it counts, and which errors reach the caller."""
from __future__ import annotations

import pytest

from services.gateway.ask.passages import Passage, Sentence
from services.gateway.ask.written import (
    OFFLINE_ENGINES,
    TASK,
    WrittenReply,
    ask_prompt,
    output_tokens,
    written_answer,
)
from shared.llm.fallback import FallbackProvider
from shared.llm.model_limits import ModelLimits
from shared.llm.offline import OfflineProvider
from shared.llm.prompt_size import prompt_tokens, schema_tokens
from shared.llm.provider import Completion, InvalidAnswer, LLMProvider, Prompt, PromptTooLarge, ProviderError, Usage


def passage(number: int, text: str, heading: str, path: str = "docs/getting-started.md") -> Passage:
    return Passage(number=number, path=path, heading=heading, anchor=heading.lower(), start_line=1, end_line=9,
                   quote=text, text=text)


PASSAGES = [
    passage(1, "Install the CLI with pip: pip install fluxmq. Fluxmq needs Python 3.11 or later.", "Installation"),
    passage(2, "The broker listens on port 7400. Create a topic with fluxmq topic create orders --partitions 3.",
            "Start a server"),
]


class Scripted(LLMProvider):
    """Answers each call with the next of `answers` (a dict to validate, or an error to raise)."""
    name, model = "scripted", "scripted-model"

    def __init__(self, *answers, limits: ModelLimits = ModelLimits(None, None)) -> None:
        self.answers = list(answers)
        self.limits = limits
        self.prompts: list[Prompt] = []

    async def complete(self, prompt, schema):
        self.prompts.append(prompt)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return Completion(schema.model_validate(answer), Usage(provider=self.name, model=self.model, calls=1,
                                                               input_tokens=100, output_tokens=20))


async def test_supported_sentences_are_kept_with_their_citations_and_the_rest_counted():
    provider = Scripted({"answer": "Fluxmq needs Python 3.11 or later [1][5]. The broker listens on port 8080 [2]. "
                                   "It is a fine broker. Create a topic with --partitions 3 [2]."})
    answer = await written_answer(provider, "What does Fluxmq need?", PASSAGES)
    assert answer.sentences == (Sentence("Fluxmq needs Python 3.11 or later.", (1,)),
                                Sentence("Create a topic with --partitions 3.", (2,)))
    assert answer.removed == 2 and answer.declined is False
    assert answer.usage.calls == 1
    assert answer.text == "Fluxmq needs Python 3.11 or later. [1] Create a topic with --partitions 3. [2]"


async def test_the_prompt_numbers_the_passages_and_says_how_to_cite():
    provider = Scripted({"answer": "not covered"})
    answer = await written_answer(provider, "  How do I\nstart a server? ", PASSAGES)
    assert answer.sentences == () and answer.removed == 1 and answer.declined is True
    [prompt] = provider.prompts
    assert prompt.task == TASK == "ask_course"
    assert "[2]" in prompt.system and "not covered" in prompt.system and "only" in prompt.system
    assert "Question: How do I start a server?" in prompt.user
    assert "[1] (docs/getting-started.md: Installation)\nInstall the CLI with pip" in prompt.user
    assert "[2] (docs/getting-started.md: Start a server)\nThe broker listens on port 7400" in prompt.user
    assert prompt.data["passages"] == tuple(PASSAGES)


@pytest.mark.parametrize("reply", [
    {"answer": ["Fluxmq needs Python 3.11 [1].", "The broker listens on port 7400 [2]."]},
    {"response": "Fluxmq needs Python 3.11 [1]. The broker listens on port 7400 [2]."},
    {"answer": [{"text": "Fluxmq needs Python 3.11 [1]."}, {"text": "The broker listens on port 7400 [2]."}]},
])
def test_an_answer_in_another_shape_is_read(reply):
    assert WrittenReply.model_validate(reply).answer.split(" [1]")[0] == "Fluxmq needs Python 3.11"


def test_the_schema_sent_is_small():
    assert WrittenReply.model_json_schema()["required"] == ["answer"]
    assert schema_tokens(WrittenReply) < 150


def test_passages_are_trimmed_to_fit_a_small_window():
    long = [passage(n, " ".join(f"word{n}x{i}" for i in range(800)), f"Section {n}") for n in (1, 2, 3)]
    limits = ModelLimits(1400, 200)
    prompt = ask_prompt("What is in the sections?", long, limits)
    answer = output_tokens(limits)
    # The prompt, its schema, the answer and a repair turn (the answer sent back) fit the window.
    assert prompt_tokens(prompt) + schema_tokens(WrittenReply) + answer * 5 // 2 < limits.context_tokens
    assert prompt.user.count(" […]") >= 1 and "[1] (" in prompt.user
    whole = ask_prompt("What is in the sections?", long, ModelLimits(None, None))
    assert len(whole.user) > len(prompt.user)
    assert all(f"[{n}] (" in whole.user for n in (1, 2, 3))


async def test_a_window_too_small_for_any_passage_is_never_asked():
    provider = Scripted(limits=ModelLimits(600, 200))
    with pytest.raises(PromptTooLarge):
        await written_answer(provider, "What does Fluxmq need?", PASSAGES)
    assert provider.prompts == []


async def test_no_passage_is_no_call_and_declined():
    provider = Scripted()
    answer = await written_answer(provider, "What does Fluxmq need?", [])
    assert (answer.sentences, answer.removed, answer.declined, provider.prompts) == ((), 0, True, [])


async def test_provider_errors_reach_the_caller():
    with pytest.raises(ProviderError, match="down"):
        await written_answer(Scripted(ProviderError("the API is down")), "What does Fluxmq need?", PASSAGES)


async def test_an_answer_still_invalid_behind_a_fallback_provider_is_invalid_with_its_cost():
    spent = Usage(provider="scripted", model="scripted-model", calls=2, input_tokens=900, output_tokens=300)
    invalid = InvalidAnswer("the answer contains no JSON object")
    invalid.usage = spent
    provider = FallbackProvider(Scripted(invalid), OfflineProvider(OFFLINE_ENGINES))
    with pytest.raises(InvalidAnswer, match="no JSON object") as raised:
        await written_answer(provider, "What does Fluxmq need?", PASSAGES)
    assert raised.value.usage == spent


async def test_the_offline_engine_writes_nothing():
    answer = await written_answer(OfflineProvider(OFFLINE_ENGINES), "What does Fluxmq need?", PASSAGES)
    assert (answer.sentences, answer.removed, answer.declined) == ((), 0, False)
