"""The high end of stage 2's estimate without a model history (shared/llm/estimates.py) against what
the real analyser (services/doc_analyser/analyser.py, DOCUMENT_ATTEMPTS tries) and the real
OpenAI-compatible provider (one repair turn) make a model answer in the worst case the settings
allow: every answer invalid and at its output limit, every try but the last lost to a request that
failed after it had one answer, then the offline engine."""
from __future__ import annotations

from services.doc_analyser.analyser import DocumentAnalyser
from services.doc_analyser.engine.engines import OFFLINE_ENGINES
from services.doc_analyser.engine.prompts import CourseContext
from services.doc_analyser.settings import DocAnalyserSettings
from shared.docs.parsing import parse
from shared.llm.estimates import estimate_stage2
from shared.llm.factory import build_provider
from tests.support.fakes import MemoryAnalysisCache
from tests.support.openai_fixtures import OPENAI_TEST_KEY, openai_settings
from tests.support.openai_replies import answer, server_error, usage
from tests.support.openai_server import FakeOpenAIServer

ATTEMPTS = 3
LIMIT = 200  # LLM_MAX_OUTPUT_TOKENS: below stage 2's own answer limit, so every request asks for it
TEXT = "# Queues\n\n" + "A queue keeps messages until a consumer takes them. " * 40


class WorstModel:
    """Answers every request at its output limit, never validly; the repair turn of every try but
    the last fails (a server error, not retried): that try is lost after its first answer."""

    def __init__(self) -> None:
        self.answered = self.answered_output = self.failed = 0

    def __call__(self, request):
        repair = any(m["role"] in ("assistant", "tool") for m in request.body["messages"])
        if repair and self.failed < ATTEMPTS - 1:
            self.failed += 1
            return server_error(500)
        self.answered += 1
        self.answered_output += request.body["max_tokens"]
        return answer("no analysis here", usage=usage(1000, request.body["max_tokens"]))


async def test_the_estimates_high_end_is_what_the_worst_case_of_the_settings_makes_the_model_answer():
    model = WorstModel()
    with FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=model) as server:
        llm = openai_settings(server, llm_max_output_tokens=LIMIT, llm_max_retries=0)
        settings = DocAnalyserSettings(**llm.model_dump(), document_attempts=ATTEMPTS)
        analyser = DocumentAnalyser(build_provider(settings, OFFLINE_ENGINES), MemoryAnalysisCache(),
                                    settings.document_attempts)
        course = CourseContext("example/queues", "beginner", "", 1)
        analysed = await analyser.analyse(parse("docs/queues.md", TEXT), TEXT, "h1", course)
    assert analysed.fallback and "even after one repair" in analysed.fallback
    sent = len(server.requests)
    assert sent == 2 * ATTEMPTS  # each try: a request and its repair turn
    estimate = estimate_stage2([len(TEXT)], "openai", settings.openai_model,
                               answer_cap=settings.model_limits.max_output_tokens, attempts=ATTEMPTS)
    assert estimate.high is not None
    assert model.answered == ATTEMPTS + 1 and estimate.high.output_tokens == model.answered_output == 4 * LIMIT
    assert f"up to {ATTEMPTS + 1} requests each answered at the limit of {LIMIT} tokens" in estimate.note
    assert estimate.output_tokens < estimate.high.output_tokens and estimate.input_tokens < estimate.high.input_tokens
