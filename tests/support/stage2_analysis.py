"""doc_analyser as a real process with the Anthropic provider against a local Messages-API server
(tests/support/llm_server.py), over the seven documents of COURSE_REPO's selection: shared by the
stage-2 end-to-end tests and the paused-service fault test."""
from __future__ import annotations

import re

from tests.support.llm_fixtures import TEST_API_KEY
from tests.support.llm_replies import tool_use
from tests.support.processes import Process

DOCUMENTS = 7  # "docs" selected recursively, plus README.md as the overview


def document_of(request) -> str:
    """The path of the document a recorded analysis request is about."""
    return re.search(r'<document path="([^"]+)"', request.last_user_text).group(1)


def analyser(nats_url: str, llm, **extra: str) -> Process:
    """doc_analyser asking `llm` (a FakeAnthropicServer), one try per document; `extra` overrides the env."""
    env = {"NATS_URL": nats_url, "LLM_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": TEST_API_KEY,
           "ANTHROPIC_BASE_URL": llm.url, "ANTHROPIC_MODEL": "claude-test", "LLM_MAX_RETRIES": "1",
           "LLM_RETRY_BASE_SECONDS": "0.01", "LLM_RETRY_MAX_SECONDS": "0.05", "DOCUMENT_ATTEMPTS": "1",
           "CONSUMER_ACK_WAIT_SECONDS": "3", **extra}
    return Process(["-m", "services.doc_analyser.main"], env)


def valid_analysis(request):
    """A valid analysis of any document: the answer of a model that never fails."""
    return tool_use({"title": "A document", "doc_type": "guide", "complexity_level": "beginner",
                     "key_concepts": ["brokers"], "learning_objectives": [], "summary": "",
                     "assumed_knowledge": [], "topics": []})
