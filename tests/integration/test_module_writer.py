"""Stage 4's writer with the Anthropic provider against a local Messages-API server and a real
Object Store: content that cites a document the module does not draw on is refused; valid content
is stored and reads back identical. With the OpenAI-compatible provider and a small context window,
the sources sent are the sections relevant to the module, and the request fits the window."""
from __future__ import annotations

import json

import pytest

from services.modules.writer import write
from shared.bus.artefacts import ArtefactStore
from shared.docs.parsing import parse
from services.modules.models import ModuleContent, ModuleSpec
from services.modules.engine.sources import SourceDoc
from shared.llm.prompt_size import request_tokens
from shared.stage.emitter import StageFailure
from tests.support.llm_fixtures import TEST_API_KEY, anthropic_provider, llm_server  # noqa: F401
from tests.support.llm_replies import tool_use
from tests.support.openai_fixtures import openai_provider, openai_server  # noqa: F401
from tests.support.openai_replies import tool_call

SPEC = ModuleSpec(module_id="p1-01", position=1, title="Brokers", documents=["docs/brokers.md"])
SOURCE = SourceDoc(parse("docs/brokers.md", "# Brokers\n\nA broker is a server process that stores messages.\n"))


def content(cited: str) -> dict:
    source = {"path": cited, "heading": "Brokers", "anchor": "brokers"}
    return {"title": "Brokers", "introduction": "Brokers store messages.",
            "sections": [{"title": "Brokers", "body_markdown": "A broker stores messages.", "source": source}],
            "assessment": [{"kind": "short_answer", "prompt": "What is a broker?",
                            "answer": "A server process that stores messages.",
                            "explanation": f"From {cited}: a broker is a server process.", "source": source}],
            "summary": "Brokers store messages."}


@pytest.fixture
def artefacts(js):
    return ArtefactStore(js)


async def test_content_citing_a_document_outside_the_module_is_refused(llm_server, artefacts):
    llm_server.push(tool_use(content("docs/invented.md")))
    async with anthropic_provider(llm_server) as provider:
        with pytest.raises(StageFailure, match="cites documents it does not draw on: docs/invented.md"):
            await write(provider, artefacts, "course1", "task1", SPEC, [SOURCE], "Skyline")
    assert await artefacts.names("course1") == []


async def test_valid_content_is_stored_and_reads_back(llm_server, artefacts):
    llm_server.push(tool_use(content("docs/brokers.md")))
    async with anthropic_provider(llm_server) as provider:
        written = await write(provider, artefacts, "course1", "task1", SPEC, [SOURCE], "Skyline")
    assert written.content_ref == "course1/task1/modules/01-p1-01.json"
    stored = ModuleContent.model_validate(json.loads(await artefacts.get(written.content_ref)))
    assert stored == written.content and stored.assessment[0].source.path == "docs/brokers.md"
    assert '<source path="docs/brokers.md"' in llm_server.requests[0].last_user_text


LONG_HISTORY = "\n\n".join(f"In {1990 + n} the founders met in Lisbon over pastries and football, story {n}."
                             for n in range(200))
BROKERS = SourceDoc(parse("docs/brokers.md", f"""# Brokers

This guide introduces the message broker.

## History of the project

{LONG_HISTORY}

## Storage

A broker stores messages on disk in segments, one file per segment.
"""), key_concepts=("broker", "message retention"))
OPERATIONS = SourceDoc(parse("docs/operations.md", """# Operations

Running the service in production.

## Retention limits

Set the message retention limit with --max-age; a broker deletes older messages.
"""))
TWO_SOURCES = ModuleSpec(module_id="p1-02", position=2, title="Message brokers",
                         learning_objectives=["Explain how a broker stores messages", "Configure message retention"],
                         documents=["docs/brokers.md", "docs/operations.md"])


async def test_a_small_window_gets_the_relevant_sections_and_a_request_that_fits(openai_server, artefacts):
    openai_server.push(tool_call(content("docs/brokers.md")))
    async with openai_provider(openai_server, llm_context_tokens=4096) as provider:
        written = await write(provider, artefacts, "course1", "task1", TWO_SOURCES, [BROKERS, OPERATIONS], "Skyline")
    assert written.fallback is None and len(openai_server.requests) == 1
    sent = openai_server.requests[0].body
    assert request_tokens(sent) + sent["max_tokens"] <= 4096 and sent["max_tokens"] >= 1024
    user = sent["messages"][-1]["content"]
    assert "A broker stores messages on disk in segments" in user and "--max-age" in user
    assert "This guide introduces the message broker." in user and "Running the service in production." in user
    assert "founders met in Lisbon" not in user and "left out here: History of the project" in user
