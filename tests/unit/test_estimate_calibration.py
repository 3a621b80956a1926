"""The figures of shared/llm/estimates.py against what they stand for, measured again with a real
tokenizer (SmolLM2's, tests/support/tokenizer.py) on real documentation (the books committed under
tests/fixtures/ordered_books, tests/support/committed_docs.py) and on the prompts the stage services
really build: each within 10 %."""
from __future__ import annotations

import json
import statistics

import pytest

from services.doc_analyser.engine.budget import ANSWER_TOKENS, DEFAULT_PART_CHARS, REPAIR_TOKENS
from services.doc_analyser.engine.models import DocumentAnalysis
from services.doc_analyser.engine.offline import analyse_document
from services.doc_analyser.engine.prompts import CourseContext, analysis_prompt
from services.modules.engine import prompts as module_prompts
from services.modules.engine.engine import concepts_of, write_module
from services.modules.engine.sources import SourceDoc
from services.modules.models import ModuleContent, ModuleSpec
from shared.docs.parsing import parse
from shared.llm import estimates, prompt_size
from shared.llm.openai_answer import messages_for
from tests.support.committed_docs import committed_docs
from tests.support.tokenizer import smollm2_tokenizer  # noqa: F401  (a session fixture)

TOLERANCE = 0.10
# Modules whose three documents together are smaller than this are sent whole (below the sources' cap).
UNCUT_MODULE_CHARS = 40_000
COURSE = CourseContext("example/project", "intermediate", "", 24)


def near(constant: float, measured: float) -> bool:
    return abs(constant - measured) <= TOLERANCE * measured


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    docs = committed_docs()
    assert len(docs) >= 20, "too few committed documents to measure on"
    return docs


@pytest.fixture(scope="module")
def analysed(corpus):
    """Each corpus document parsed and analysed by stage 2's offline engine."""
    out = {}
    for path, text in corpus.items():
        parsed = parse(path, text)
        out[path] = (parsed, analyse_document(parsed, "intermediate", ""))
    return out


def test_characters_per_token_of_real_documentation(corpus, smollm2_tokenizer):
    characters = sum(len(text) for text in corpus.values())
    tokens = sum(smollm2_tokenizer.tokens(text) for text in corpus.values())
    assert near(estimates.CHARS_PER_TOKEN, characters / tokens), characters / tokens


def test_stage2_prompt_and_answer_of_one_document(corpus, analysed, smollm2_tokenizer):
    schema = DocumentAnalysis.model_json_schema()
    overheads, answers = [], []
    for path, (document, analysis) in analysed.items():
        prompt = analysis_prompt(document, corpus[path], COURSE)
        request = smollm2_tokenizer.server_tokens(messages_for("json", prompt, schema))
        overheads.append(request - smollm2_tokenizer.tokens(corpus[path]))
        answers.append(smollm2_tokenizer.tokens(json.dumps(analysis.model_dump())))
    assert near(estimates.STAGE2_PROMPT_TOKENS, statistics.mean(overheads)), statistics.mean(overheads)
    assert near(estimates.STAGE2_ANSWER_TOKENS, statistics.mean(answers)), statistics.mean(answers)


def test_stage4_prompt_sources_and_answer_of_one_module(corpus, analysed, smollm2_tokenizer):
    schema = ModuleContent.model_json_schema()
    paths = sorted(analysed)
    overheads, answers, uncut = [], [], []
    for first in range(0, len(paths) - 2, 3):
        group = paths[first:first + 3]
        sources = [SourceDoc(d, a.title, a.doc_type, tuple(a.key_concepts), tuple(a.learning_objectives), a.summary)
                   for d, a in (analysed[p] for p in group)]
        lead = analysed[group[0]][1]
        spec = ModuleSpec(module_id=f"m{first}", position=first // 3 + 1, title=lead.title,
                          description=lead.summary[:300], learning_objectives=lead.learning_objectives[:4],
                          documents=group)
        prompt = module_prompts.module_prompt(spec, sources, "Example course")
        head = module_prompts.module_part(spec, concepts_of(sources))
        request = smollm2_tokenizer.server_tokens(messages_for("json", prompt, schema))
        sources_tokens = smollm2_tokenizer.tokens(prompt.user[len(head):])
        overheads.append(request - sources_tokens)
        size = sum(len(corpus[p]) for p in group)
        if size < UNCUT_MODULE_CHARS:
            uncut.append((size, sources_tokens))
        written = write_module(spec, sources)
        answers.append(min(smollm2_tokenizer.tokens(json.dumps(written.model_dump())),
                           module_prompts.MAX_OUTPUT_TOKENS))
    assert near(estimates.STAGE4_PROMPT_TOKENS, statistics.mean(overheads)), statistics.mean(overheads)
    assert near(estimates.STAGE4_ANSWER_TOKENS, statistics.mean(answers)), statistics.mean(answers)
    ratio = sum(size for size, _ in uncut) / sum(tokens for _, tokens in uncut)
    assert len(uncut) >= 5 and near(estimates.STAGE4_SOURCE_CHARS_PER_TOKEN, ratio), ratio


def test_the_limits_the_stages_apply_are_the_estimators():
    assert estimates.STAGE2_PART_CHARS == DEFAULT_PART_CHARS
    assert (estimates.STAGE2_ANSWER_LIMIT, estimates.STAGE2_REPAIR_LIMIT) == (ANSWER_TOKENS, REPAIR_TOKENS)
    assert estimates.STAGE4_MAX_OUTPUT_TOKENS == module_prompts.MAX_OUTPUT_TOKENS
    assert estimates.STAGE4_MAX_SOURCE_TOKENS == module_prompts.MAX_SOURCE_TOKENS
    assert estimates.STAGE4_MIN_OUTPUT_TOKENS == module_prompts.MIN_OUTPUT_TOKENS
    assert estimates.BOUND_CHARS_PER_TOKEN == prompt_size.CHARS_PER_TOKEN
